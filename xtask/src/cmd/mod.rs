//! The subcommands.

pub mod api_schema;
pub mod bench;
pub mod dev;
pub mod dist;
pub mod test;
