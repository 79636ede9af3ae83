//! Base64url without padding (RFC 4648 §5), as PKCE and JWTs use it: a few
//! lines here instead of a general-purpose codec in the bundle.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        // One input byte makes two characters, two make three, three make four.
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}

/// `None` for a character outside the alphabet, padding, or a length no
/// encoding has.
pub fn decode(text: &str) -> Option<Vec<u8>> {
    let sextet = |c: u8| ALPHABET.iter().position(|a| *a == c).map(|p| p as u32);
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    for chunk in text.as_bytes().chunks(4) {
        if chunk.len() == 1 {
            return None;
        }
        let mut n = 0;
        for (i, c) in chunk.iter().enumerate() {
            n |= sextet(*c)? << (18 - 6 * i);
        }
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::{decode, encode};
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;

    #[test]
    fn agrees_with_the_base64_crate_both_ways() {
        let data: Vec<u8> = (0..=255u8).rev().chain(0..=255).collect();
        for len in 0..70 {
            let bytes = &data[len * 7 % 200..][..len];
            let text = URL_SAFE_NO_PAD.encode(bytes);
            assert_eq!(encode(bytes), text, "{len}");
            assert_eq!(decode(&text).as_deref(), Some(bytes), "{len}");
        }
    }

    #[test]
    fn refuses_what_is_not_base64url() {
        for bad in ["a", "abcde", "ab+/", "ab==", "a b"] {
            assert_eq!(decode(bad), None, "{bad}");
        }
    }
}
