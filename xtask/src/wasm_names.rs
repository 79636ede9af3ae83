//! Shortens the names of a WebAssembly module (its imports and long-named
//! exports) and leaves out tools' custom sections:
//! only the import and export sections are rewritten (names are
//! length-prefixed UTF-8, the rest is copied byte for byte).

/// The section ids of imports and exports in the binary format.
const IMPORT_SECTION: u8 = 2;
const EXPORT_SECTION: u8 = 7;

/// The prefix of the exports renamed: wasm-bindgen's closure shims, which it
/// names by their whole Rust path (`wasm_bindgen_<hash>___convert__closures…`).
const RENAMED_EXPORTS: &str = "wasm_bindgen_";

/// Custom sections for tools (which compiler, which features), not read by
/// browsers: left out.
const DROPPED_CUSTOM_SECTIONS: [&str; 2] = ["producers", "target_features"];

/// A module with short names, and what was renamed.
pub struct Minified {
    pub wasm: Vec<u8>,
    pub imports: Renames,
    pub exports: Renames,
}

/// Old import names and the short names that replace them, in import order.
pub type Renames = Vec<(String, String)>;

/// Gives each import of `module` in `wasm` a short name (`a`, `b`, … `Z`,
/// `aa`, …), and each export named [`RENAMED_EXPORTS`]… one of `_0`, `_1`, ….
pub fn minify(wasm: &[u8], module: &str) -> Result<Minified, String> {
    const MAGIC: &[u8] = b"\0asm\x01\0\0\0";
    if !wasm.starts_with(MAGIC) {
        return Err("not a WebAssembly module (version 1)".into());
    }
    let mut out = MAGIC.to_vec();
    let mut map = Vec::new();
    let mut exports = Vec::new();
    let mut at = MAGIC.len();
    while at < wasm.len() {
        let id = wasm[at];
        let mut cursor = Cursor {
            bytes: wasm,
            at: at + 1,
        };
        let size = cursor.leb()? as usize;
        let body_start = cursor.at;
        let body_end = body_start
            .checked_add(size)
            .filter(|&end| end <= wasm.len())
            .ok_or("a section runs past the end")?;
        let body = &wasm[body_start..body_end];
        if id == 0 && is_dropped_custom_section(body) {
            at = body_end;
            continue;
        }
        let renamed = match id {
            IMPORT_SECTION => Some(rename_imports(body, module, &mut map)?),
            EXPORT_SECTION => Some(rename_exports(body, &mut exports)?),
            _ => None,
        };
        if let Some(body) = renamed {
            out.push(id);
            write_leb(&mut out, body.len() as u64);
            out.extend_from_slice(&body);
        } else {
            out.extend_from_slice(&wasm[at..body_end]);
        }
        at = body_end;
    }
    Ok(Minified {
        wasm: out,
        imports: map,
        exports,
    })
}

fn is_dropped_custom_section(body: &[u8]) -> bool {
    let mut cursor = Cursor { bytes: body, at: 0 };
    cursor
        .name()
        .is_ok_and(|name| DROPPED_CUSTOM_SECTIONS.contains(&name))
}

fn rename_exports(body: &[u8], map: &mut Renames) -> Result<Vec<u8>, String> {
    let mut cursor = Cursor { bytes: body, at: 0 };
    let count = cursor.leb()?;
    let mut names = Vec::new();
    let mut out = Vec::with_capacity(body.len());
    write_leb(&mut out, count);
    for _ in 0..count {
        let name = cursor.name()?;
        let desc_start = cursor.at;
        // Its kind, and the index of what it exports.
        cursor.byte()?;
        cursor.leb()?;
        let new = if name.starts_with(RENAMED_EXPORTS) {
            let short = format!("_{}", map.len());
            map.push((name.to_owned(), short.clone()));
            short
        } else {
            name.to_owned()
        };
        write_name(&mut out, &new);
        out.extend_from_slice(&body[desc_start..cursor.at]);
        names.push(new);
    }
    if cursor.at != body.len() {
        return Err("the export section has bytes after its exports".into());
    }
    names.sort();
    if names.windows(2).any(|pair| pair[0] == pair[1]) {
        return Err("a short export name is taken already".into());
    }
    Ok(out)
}

fn rename_imports(body: &[u8], module: &str, map: &mut Renames) -> Result<Vec<u8>, String> {
    let mut cursor = Cursor { bytes: body, at: 0 };
    let count = cursor.leb()?;
    let mut out = Vec::with_capacity(body.len());
    write_leb(&mut out, count);
    for _ in 0..count {
        let from = cursor.name()?;
        let name = cursor.name()?;
        let desc_start = cursor.at;
        cursor.skip_import_desc()?;
        write_name(&mut out, from);
        if from == module {
            let short = short_name(map.len());
            write_name(&mut out, &short);
            map.push((name.to_owned(), short));
        } else {
            write_name(&mut out, name);
        }
        out.extend_from_slice(&body[desc_start..cursor.at]);
    }
    if cursor.at != body.len() {
        return Err("the import section has bytes after its imports".into());
    }
    Ok(out)
}

/// The `n`th short name: one letter, then two, … (all valid JS identifiers).
fn short_name(mut n: usize) -> String {
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut name = Vec::new();
    loop {
        name.push(LETTERS[n % LETTERS.len()]);
        n /= LETTERS.len();
        if n == 0 {
            break;
        }
        n -= 1;
    }
    name.reverse();
    String::from_utf8_lossy(&name).into_owned()
}

fn write_leb(out: &mut Vec<u8>, mut value: u64) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn write_name(out: &mut Vec<u8>, name: &str) {
    write_leb(out, name.len() as u64);
    out.extend_from_slice(name.as_bytes());
}

struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn byte(&mut self) -> Result<u8, String> {
        let byte = *self.bytes.get(self.at).ok_or("unexpected end of module")?;
        self.at += 1;
        Ok(byte)
    }

    fn leb(&mut self) -> Result<u64, String> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err("an over-long LEB128 number".into())
    }

    fn name(&mut self) -> Result<&'a str, String> {
        let len = self.leb()? as usize;
        let bytes = self
            .bytes
            .get(self.at..self.at + len)
            .ok_or("a name runs past the end")?;
        self.at += len;
        std::str::from_utf8(bytes).map_err(|_| "a name is not UTF-8".to_owned())
    }

    fn limits(&mut self) -> Result<(), String> {
        let flags = self.byte()?;
        self.leb()?;
        if flags & 1 != 0 {
            self.leb()?;
        }
        Ok(())
    }

    fn skip_import_desc(&mut self) -> Result<(), String> {
        match self.byte()? {
            // A function, by its type index.
            0x00 => self.leb().map(drop),
            // A table: its reference type, then limits.
            0x01 => {
                self.byte()?;
                self.limits()
            }
            0x02 => self.limits(),
            // A global: its value type and mutability.
            0x03 => {
                self.byte()?;
                self.byte().map(drop)
            }
            // A tag (exceptions): attribute, type index.
            0x04 => {
                self.byte()?;
                self.leb().map(drop)
            }
            kind => Err(format!("an import of unknown kind {kind:#x}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module importing two functions from `./m.js` and a memory from `env`,
    /// followed by a custom section.
    fn module() -> Vec<u8> {
        let mut imports = Vec::new();
        write_leb(&mut imports, 3);
        for (from, name, desc) in [
            ("./m.js", "__wbg_log_0123456789abcdef", &[0x00, 0x00][..]),
            ("env", "memory", &[0x02, 0x00, 0x01][..]),
            ("./m.js", "__wbg_now_fedcba9876543210", &[0x00, 0x01][..]),
        ] {
            write_name(&mut imports, from);
            write_name(&mut imports, name);
            imports.extend_from_slice(desc);
        }
        let mut wasm = b"\0asm\x01\0\0\0".to_vec();
        wasm.push(IMPORT_SECTION);
        write_leb(&mut wasm, imports.len() as u64);
        wasm.extend_from_slice(&imports);
        wasm.extend_from_slice(&[0x00, 0x03, 0x01, b'x', 0x07]);
        wasm
    }

    #[test]
    fn closure_shims_are_exported_under_short_names() {
        let mut exports = Vec::new();
        write_leb(&mut exports, 2);
        for (name, index) in [
            ("memory", 0u8),
            ("wasm_bindgen_0123___convert__closures", 7),
        ] {
            write_name(&mut exports, name);
            exports.extend_from_slice(&[0x00, index]);
        }
        let mut wasm = b"\0asm\x01\0\0\0".to_vec();
        wasm.push(EXPORT_SECTION);
        write_leb(&mut wasm, exports.len() as u64);
        wasm.extend_from_slice(&exports);
        let minified = minify(&wasm, "./m.js").expect("rewritten");
        assert_eq!(
            minified.exports,
            [(
                "wasm_bindgen_0123___convert__closures".to_owned(),
                "_0".to_owned()
            )]
        );
        let text = String::from_utf8_lossy(&minified.wasm);
        assert!(
            text.contains("memory") && text.contains("_0\0\x07"),
            "{text}"
        );
        assert!(minified.imports.is_empty());
    }

    #[test]
    fn the_producers_and_target_features_sections_are_left_out() {
        let mut wasm = b"\0asm\x01\0\0\0".to_vec();
        for name in ["producers", "kept", "target_features"] {
            let mut body = Vec::new();
            write_name(&mut body, name);
            body.push(0x2a);
            wasm.push(0);
            write_leb(&mut wasm, body.len() as u64);
            wasm.extend_from_slice(&body);
        }
        let minified = minify(&wasm, "./m.js").expect("rewritten");
        assert_eq!(minified.wasm, b"\0asm\x01\0\0\0\0\x06\x04kept\x2a");
    }

    #[test]
    fn imports_of_the_module_get_short_names() {
        let Minified {
            wasm: out,
            imports: map,
            ..
        } = minify(&module(), "./m.js").expect("rewritten");
        assert_eq!(
            map,
            [
                ("__wbg_log_0123456789abcdef".to_owned(), "a".to_owned()),
                ("__wbg_now_fedcba9876543210".to_owned(), "b".to_owned()),
            ]
        );
        let text = String::from_utf8_lossy(&out);
        assert!(text.contains("memory") && !text.contains("__wbg"), "{text}");
        // The custom section after it is untouched.
        assert!(out.ends_with(&[0x00, 0x03, 0x01, b'x', 0x07]));
        // Renaming again is stable: the new names map to themselves.
        let again = minify(&out, "./m.js").expect("again");
        assert_eq!(again.wasm, out);
        assert_eq!(again.imports[1], ("b".to_owned(), "b".to_owned()));
    }

    #[test]
    fn short_names_count_on_after_one_letter() {
        assert_eq!(short_name(0), "a");
        assert_eq!(short_name(51), "Z");
        assert_eq!(short_name(52), "aa");
        assert_eq!(short_name(53), "ab");
        assert_eq!(short_name(52 + 52 * 52), "aaa");
    }

    #[test]
    fn a_truncated_module_is_refused() {
        let wasm = module();
        assert!(minify(&wasm[..wasm.len() - 12], "./m.js").is_err());
        assert!(minify(b"not wasm", "./m.js").is_err());
    }
}
