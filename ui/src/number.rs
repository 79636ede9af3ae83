//! Numbers to text and back. In the browser the digits come from JavaScript's
//! own `String(x)`, `toFixed` and `parseFloat`, which keeps Rust's float
//! formatting and parsing (and their tables) out of the bundle; the text is
//! what `format!("{x}")`, `format!("{x:.1}")` and `str::parse` give, which the
//! browser tests check. Native builds, where the unit tests run, use Rust's.

/// The shortest text that reads back as `value`, never in exponent form:
/// `format!("{value}")`.
pub fn text(value: f64) -> String {
    if let Some(special) = special(value) {
        return special.to_owned();
    }
    imp::shortest(value)
}

/// `value` rounded to one decimal, ties to even: `format!("{value:.1}")`.
pub fn fixed1(value: f64) -> String {
    if let Some(special) = special(value) {
        return if value == 0.0 { "-0.0" } else { special }.to_owned();
    }
    // The exact ties (x.25 and x.75) go to the even tenth; the rest rounds
    // to nearest either way.
    let tenths = value * 10.0;
    let tie = (value * 4.0).fract() == 0.0 && tenths.fract() != 0.0;
    let value = if tie {
        let down = tenths.floor();
        (if down % 2.0 == 0.0 { down } else { down + 1.0 }) / 10.0
    } else {
        value
    };
    imp::fixed1(value)
}

/// A decimal number (`12`, `-3.5`, `.5`, `1e3`) as `str::parse::<f64>`
/// reads it; `None` for anything else (words, `inf`, `NaN`, hexadecimal).
pub fn parse(text: &str) -> Option<f64> {
    is_decimal(text).then(|| imp::parse(text)).flatten()
}

/// The text of NaN, the infinities and negative zero, which JavaScript
/// writes otherwise.
fn special(value: f64) -> Option<&'static str> {
    if value.is_nan() {
        Some("NaN")
    } else if value.is_infinite() {
        Some(if value > 0.0 { "inf" } else { "-inf" })
    } else if value == 0.0 && value.is_sign_negative() {
        Some("-0")
    } else {
        None
    }
}

/// `[+-]?(digits[.digits?]|.digits)([eE][+-]?digits)?`
fn is_decimal(text: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let unsigned = |s: &str| s.strip_prefix(['+', '-']).unwrap_or(s).to_owned();
    let text = unsigned(text);
    let (mantissa, exponent) = match text.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(unsigned(e))),
        None => (text.as_str(), None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some((int, frac)) => {
            (digits(int) && (frac.is_empty() || digits(frac))) || (int.is_empty() && digits(frac))
        }
        None => digits(mantissa),
    };
    mantissa_ok && exponent.is_none_or(|e| digits(&e))
}

/// JavaScript's `1.5e+21` or `1e-7` in plain digits, as Rust writes them.
pub fn expand_exponent(js: &str) -> String {
    let Some((mantissa, exponent)) = js.split_once('e') else {
        return js.to_owned();
    };
    let exponent: i64 = exponent.parse().unwrap_or(0);
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = format!("{int}{frac}");
    let point = int.len() as i64 + exponent;
    if point <= 0 {
        format!(
            "{sign}0.{}{digits}",
            "0".repeat(point.unsigned_abs() as usize)
        )
    } else if point as usize >= digits.len() {
        format!(
            "{sign}{digits}{}",
            "0".repeat(point as usize - digits.len())
        )
    } else {
        let (whole, rest) = digits.split_at(point as usize);
        format!("{sign}{whole}.{rest}")
    }
}

#[cfg(target_arch = "wasm32")]
mod imp {
    use js_sys::Number;

    pub(super) fn shortest(value: f64) -> String {
        let js = String::from(
            Number::from(value)
                .to_string_with_radix(10)
                .unwrap_or_default(),
        );
        super::expand_exponent(&js)
    }

    pub(super) fn fixed1(value: f64) -> String {
        if value.abs() >= 1e21 {
            // An integer, whose every digit Rust writes; toFixed would answer
            // in exponent form, BigInt answers exactly.
            let digits = js_sys::BigInt::new(&value.into())
                .ok()
                .and_then(|n| n.to_string(10).ok());
            return format!("{}.0", digits.map(String::from).unwrap_or_default());
        }
        String::from(Number::from(value).to_fixed(1).unwrap_or_default())
    }

    pub(super) fn parse(text: &str) -> Option<f64> {
        // `text` is a decimal already, where parseFloat and Number() agree.
        Some(Number::parse_float(text))
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod imp {
    pub(super) fn shortest(value: f64) -> String {
        value.to_string()
    }

    pub(super) fn fixed1(value: f64) -> String {
        format!("{value:.1}")
    }

    pub(super) fn parse(text: &str) -> Option<f64> {
        text.parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_told_from_other_text() {
        for good in ["0", "12", "-3.5", "+1", "1.", ".5", "1e3", "1E-3", "-.5e+2"] {
            assert!(is_decimal(good), "{good}");
            assert_eq!(parse(good), good.parse().ok(), "{good}");
        }
        for bad in [
            "", ".", "-", "e3", "1e", "1e+", "1.2.3", "0x10", "inf", "NaN", " 1", "1,5",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn exponent_forms_become_plain_digits() {
        assert_eq!(expand_exponent("1e+21"), "1000000000000000000000");
        assert_eq!(expand_exponent("-1.5e+22"), "-15000000000000000000000");
        assert_eq!(expand_exponent("1e-7"), "0.0000001");
        assert_eq!(expand_exponent("-2.5e-8"), "-0.000000025");
        assert_eq!(expand_exponent("123.5"), "123.5");
        assert_eq!(expand_exponent("1.25e+2"), "125");
        assert_eq!(expand_exponent("1.2345e+2"), "123.45");
    }

    #[test]
    fn special_values_are_written_as_rust_writes_them() {
        for value in [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            -0.0,
            0.0,
            1.25,
            -0.25,
        ] {
            assert_eq!(text(value), format!("{value}"));
            assert_eq!(fixed1(value), format!("{value:.1}"));
        }
    }
}
