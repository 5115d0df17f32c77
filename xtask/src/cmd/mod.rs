//! The subcommands.

pub mod bench;
pub mod dev;
pub mod dist;
pub mod test;
