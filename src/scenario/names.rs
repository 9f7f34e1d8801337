//! Naming rules shared by the scenario checks and the model: host names `<prefix>-<n>` and
//! user names `user0001`… A leaf module, so every side uses one rule.

/// The name of host number `n`: `<prefix>-<n>` (002: a prefix, then `-N`).
pub fn host_name(prefix: &str, n: u64) -> String {
    format!("{prefix}-{n}")
}

/// The number of a host named `<prefix>-<n>`, if `name` is written exactly that way (no
/// leading zeros or signs, so each host has one name).
pub fn host_number(name: &str, prefix: &str) -> Option<u64> {
    let n: u64 = name.strip_prefix(prefix)?.strip_prefix('-')?.parse().ok()?;
    (name == host_name(prefix, n)).then_some(n)
}

/// The name of user `user` in a population of `n`: `user` and a one-based number padded to
/// the width of `n` (at least four digits), so names sort in user order.
pub fn user_name(user: u32, n: u32) -> String {
    let width = n.to_string().len().max(4);
    format!("user{:0width$}", user + 1)
}

/// The id of the user named `name` in a population of `n`, if there is one.
pub fn user_id(name: &str, n: u32) -> Option<u32> {
    let number: u32 = name.strip_prefix("user")?.parse().ok()?;
    let id = number.checked_sub(1)?;
    (id < n && user_name(id, n) == name).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_names_are_padded_and_one_based() {
        assert_eq!(user_name(0, 4000), "user0001");
        assert_eq!(user_name(41, 12000), "user00042");
    }

    #[test]
    fn user_ids_invert_user_names() {
        assert_eq!(user_id("user0001", 4000), Some(0));
        assert_eq!(user_id(&user_name(41, 12000), 12000), Some(41));
        for bad in ["user0000", "user4001", "user1", "user00001", "u1", "user+001"] {
            assert_eq!(user_id(bad, 4000), None, "{bad}");
        }
    }

    #[test]
    fn host_numbers_invert_host_names() {
        assert_eq!(host_number(&host_name("sh", 12), "sh"), Some(12));
        for bad in ["sh-012", "sh-+1", "sh12", "shx-1", "sh-", "sh-1 "] {
            assert_eq!(host_number(bad, "sh"), None, "{bad}");
        }
    }
}
