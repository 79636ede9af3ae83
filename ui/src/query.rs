//! Query strings (`application/x-www-form-urlencoded`): written here in a few
//! lines, read by the browser's `URLSearchParams`.

/// `pairs` as a query string, encoded as `URLSearchParams` and
/// `serde_urlencoded` encode them: ASCII letters, digits and `*-._` stay,
/// a space is `+`, every other byte `%XX`.
pub fn encode(pairs: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (i, (name, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        push_encoded(&mut out, name);
        out.push('=');
        push_encoded(&mut out, value);
    }
    out
}

fn push_encoded(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for byte in text.bytes() {
        match byte {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(char::from(byte))
            }
            b' ' => out.push('+'),
            _ => {
                out.push('%');
                out.push(char::from(HEX[usize::from(byte >> 4)]));
                out.push(char::from(HEX[usize::from(byte & 15)]));
            }
        }
    }
}

/// The first value of `name` in `search` (`?a=1&b=2`, the `?` optional).
pub fn get(search: &str, name: &str) -> Option<String> {
    web_sys::UrlSearchParams::new_with_str(search)
        .ok()?
        .get(name)
}

#[cfg(test)]
mod tests {
    use super::encode;

    #[test]
    fn encodes_as_forms_do() {
        assert_eq!(
            encode(&[
                ("redirect_uri", "http://localhost:3000/signin"),
                ("scope", "openid email")
            ]),
            "redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fsignin&scope=openid+email"
        );
        assert_eq!(encode(&[("a*b", "~é&=")]), "a*b=%7E%C3%A9%26%3D");
        assert_eq!(encode(&[]), "");
    }
}
