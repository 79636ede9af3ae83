//! The field rules of a KPI record, checked by the API and mirrored by the UI's form.

/// `[a-z][a-z0-9_]{0,31}`
pub fn kpi_problem(kpi: &str) -> Option<&'static str> {
    let mut bytes = kpi.bytes();
    let first_ok = bytes.next().is_some_and(|b| b.is_ascii_lowercase());
    let rest_ok = bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if first_ok && rest_ok && kpi.len() <= 32 {
        None
    } else {
        Some("must be a lowercase name: a letter, then up to 31 letters, digits or _")
    }
}

/// `YYYYMM` with a real month.
pub fn period_problem(period: &str) -> Option<&'static str> {
    let digits = period.len() == 6 && period.bytes().all(|b| b.is_ascii_digit());
    let year = period.get(..4).and_then(|y| y.parse::<u16>().ok());
    let month = period.get(4..).and_then(|m| m.parse::<u8>().ok());
    match (digits, year, month) {
        (true, Some(1000..), Some(1..=12)) => None,
        _ => Some("must be YYYYMM, e.g. 202501"),
    }
}

/// A finite number.
pub fn value_problem(value: f64) -> Option<&'static str> {
    (!value.is_finite()).then_some("must be a finite number")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kpi_names_follow_the_pattern() {
        assert_eq!(kpi_problem("a"), None);
        assert_eq!(kpi_problem(&format!("a{}", "b".repeat(31))), None);
        for bad in ["", "1a", "_a", "a-b", "aB", &"a".repeat(33)] {
            assert!(kpi_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn periods_are_yyyymm_with_a_real_month() {
        assert_eq!(period_problem("202401"), None);
        for bad in ["202400", "202413", "20241", "2024-01", "abcdef", "000112"] {
            assert!(period_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn values_are_finite() {
        assert_eq!(value_problem(1.5), None);
        assert!(value_problem(f64::NAN).is_some());
    }
}

/// An email address an invitation can go to: `local@domain.tld`, no spaces, at most 254 characters.
pub fn email_problem(email: &str) -> Option<&'static str> {
    let ok = email.len() <= 254
        && !email.contains(char::is_whitespace)
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    (!ok).then_some("must be an email address, e.g. ada@example.com")
}

#[cfg(test)]
mod email_tests {
    use super::email_problem;

    #[test]
    fn emails_need_a_local_part_and_a_dotted_domain() {
        assert_eq!(email_problem("ada@example.com"), None);
        for bad in [
            "ada",
            "@example.com",
            "ada@localhost",
            "ada @example.com",
            "a@b@c.com",
            "ada@.com",
        ] {
            assert!(email_problem(bad).is_some(), "{bad}");
        }
    }
}
