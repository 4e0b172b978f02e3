//! Passwords attackers try first. A password that matches one (ignoring case) is refused.
//! Only entries of 8 or more characters are listed, since shorter passwords are refused anyway.

const LIST: &str = include_str!("common_passwords.txt");

pub fn is_common(password: &str) -> bool {
    let folded = password.to_lowercase();
    LIST.lines().any(|entry| entry == folded)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_list_is_sorted_lowercase_and_long_enough_to_matter() {
        let entries: Vec<&str> = super::LIST.lines().collect();
        assert!(entries.len() > 200);
        assert!(entries.windows(2).all(|w| w[0] < w[1]), "sorted and unique");
        assert!(entries
            .iter()
            .all(|e| e.chars().count() >= 8 && *e == e.to_lowercase()));
    }
}
