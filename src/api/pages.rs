//! The REST contract's paging rule, in one place for the list's pages and a calendar range.

/// Whether a list asked for in pages of `limit` has more after the pages held so far: fewer
/// than `total` (`X-Total-Count`) held, unless the last page came back empty; or — without the
/// header — a last page that came back full.
pub fn more_after(held: u64, last_len: usize, total: Option<u64>, limit: u32) -> bool {
    match total {
        Some(total) => held < total && last_len > 0,
        None => last_len >= limit as usize,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_end_is_the_total_or_a_short_page() {
        assert!(more_after(2, 2, Some(5), 2));
        assert!(!more_after(4, 2, Some(4), 2));
        assert!(more_after(2, 2, None, 2));
        assert!(!more_after(1, 1, None, 2));
        // An empty page ends it, whatever a stale total said.
        assert!(!more_after(2, 0, Some(9), 2));
    }
}
