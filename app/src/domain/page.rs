use serde::{Deserialize, Serialize};

/// A 1-based page number of a paginated listing. Anything unparsable or out of range is page 1:
/// a hand-edited `?page=` must never turn into an error page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PageNumber(u32);

impl PageNumber {
    /// Deep pages are cut off well before `OFFSET` arithmetic could overflow.
    pub const MAX: u32 = 100_000;

    pub fn new(n: u32) -> Self {
        PageNumber(n.clamp(1, Self::MAX))
    }

    pub fn parse(raw: Option<&str>) -> Self {
        raw.and_then(|s| s.trim().parse::<u32>().ok())
            .map(Self::new)
            .unwrap_or(PageNumber(1))
    }

    pub fn get(self) -> u32 {
        self.0
    }

    /// Rows to skip for this page at `per_page` rows a page.
    pub fn offset(self, per_page: u32) -> i64 {
        i64::from(self.0 - 1) * i64::from(per_page)
    }
}

impl Default for PageNumber {
    fn default() -> Self {
        PageNumber(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_and_zero_mean_the_first_page() {
        for raw in [
            None,
            Some(""),
            Some("abc"),
            Some("0"),
            Some("-3"),
            Some("1.5"),
        ] {
            assert_eq!(PageNumber::parse(raw).get(), 1, "{raw:?}");
        }
    }

    #[test]
    fn numbers_are_kept_and_capped() {
        assert_eq!(PageNumber::parse(Some(" 7 ")).get(), 7);
        assert_eq!(PageNumber::parse(Some("4294967295")).get(), PageNumber::MAX);
    }

    #[test]
    fn offset_counts_whole_pages_before_this_one() {
        assert_eq!(PageNumber::new(1).offset(10), 0);
        assert_eq!(PageNumber::new(3).offset(10), 20);
        assert_eq!(
            PageNumber::new(PageNumber::MAX).offset(u32::MAX),
            99_999 * 4_294_967_295
        );
    }
}
