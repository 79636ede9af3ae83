//! Shortens the names of a WebAssembly module (its imports and long-named
//! exports) and leaves out tools' custom sections. `wasmparser` reads the
//! module and `wasm-encoder` writes it: only the import and export sections
//! are re-encoded (with the new names); every other section's contents are
//! copied byte for byte, in order (`RawSection`, which writes the section's
//! size as the shortest LEB128, as binaryen's wasm-opt before it does).

use wasm_encoder::{EntityType, ExportKind, ExportSection, ImportSection, Module, RawSection};
use wasmparser::{Encoding, ExportSectionReader, ImportSectionReader, Parser, Payload};

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
    let mut out = Module::new();
    let mut imports = Vec::new();
    let mut exports = Vec::new();
    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload.map_err(|e| e.to_string())?;
        match &payload {
            Payload::Version {
                num: 1,
                encoding: Encoding::Module,
                ..
            } => {}
            Payload::Version { .. } => return Err("not a WebAssembly module (version 1)".into()),
            Payload::ImportSection(reader) => {
                out.section(&rename_imports(reader.clone(), module, &mut imports)?);
            }
            Payload::ExportSection(reader) => {
                out.section(&rename_exports(reader.clone(), &mut exports)?);
            }
            Payload::CustomSection(reader) if DROPPED_CUSTOM_SECTIONS.contains(&reader.name()) => {}
            // The code section comes as its start (the whole section) and
            // then its functions, which `as_section` skips.
            _ => {
                if let Some((id, range)) = payload.as_section() {
                    out.section(&RawSection {
                        id,
                        data: &wasm[range],
                    });
                }
            }
        }
    }
    Ok(Minified {
        wasm: out.finish(),
        imports,
        exports,
    })
}

fn rename_exports(reader: ExportSectionReader, map: &mut Renames) -> Result<ExportSection, String> {
    let mut section = ExportSection::new();
    let mut names = Vec::new();
    for export in reader {
        let export = export.map_err(|e| e.to_string())?;
        let new = if export.name.starts_with(RENAMED_EXPORTS) {
            let short = format!("_{}", map.len());
            map.push((export.name.to_owned(), short.clone()));
            short
        } else {
            export.name.to_owned()
        };
        section.export(&new, ExportKind::from(export.kind), export.index);
        names.push(new);
    }
    names.sort();
    if names.windows(2).any(|pair| pair[0] == pair[1]) {
        return Err("a short export name is taken already".into());
    }
    Ok(section)
}

fn rename_imports(
    reader: ImportSectionReader,
    module: &str,
    map: &mut Renames,
) -> Result<ImportSection, String> {
    let mut section = ImportSection::new();
    for import in reader.into_imports() {
        let import = import.map_err(|e| e.to_string())?;
        let ty = EntityType::try_from(import.ty).map_err(|e| e.to_string())?;
        if import.module == module {
            let short = short_name(map.len());
            section.import(import.module, &short, ty);
            map.push((import.name.to_owned(), short));
        } else {
            section.import(import.module, import.name, ty);
        }
    }
    Ok(section)
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

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_encoder::{CustomSection, MemoryType};

    /// The module of `sections`, in order, as `Module::section` writes them
    /// (its id, then the section encoding itself with its size).
    fn encode(sections: &[&dyn wasm_encoder::Section]) -> Vec<u8> {
        let mut module = Module::new().finish();
        for section in sections {
            module.push(section.id());
            section.encode(&mut module);
        }
        module
    }

    fn custom<'a>(name: &'a str, data: &'a [u8]) -> CustomSection<'a> {
        CustomSection {
            name: name.into(),
            data: data.into(),
        }
    }

    /// A module importing two functions from `./m.js` and a memory from `env`,
    /// followed by a custom section.
    fn module() -> Vec<u8> {
        let mut imports = ImportSection::new();
        imports
            .import(
                "./m.js",
                "__wbg_log_0123456789abcdef",
                EntityType::Function(0),
            )
            .import(
                "env",
                "memory",
                MemoryType {
                    minimum: 1,
                    maximum: None,
                    memory64: false,
                    shared: false,
                    page_size_log2: None,
                },
            )
            .import(
                "./m.js",
                "__wbg_now_fedcba9876543210",
                EntityType::Function(1),
            );
        encode(&[&imports, &custom("x", &[0x07])])
    }

    #[test]
    fn closure_shims_are_exported_under_short_names() {
        let mut exports = ExportSection::new();
        exports.export("memory", ExportKind::Func, 0).export(
            "wasm_bindgen_0123___convert__closures",
            ExportKind::Func,
            7,
        );
        let wasm = encode(&[&exports]);
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
        let wasm = encode(&[
            &custom("producers", &[0x2a]),
            &custom("kept", &[0x2a]),
            &custom("target_features", &[0x2a]),
        ]);
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

    #[test]
    fn a_renamed_export_may_not_take_a_name_in_use() {
        let mut exports = ExportSection::new();
        exports.export("_0", ExportKind::Func, 0).export(
            "wasm_bindgen_0123___convert__closures",
            ExportKind::Func,
            1,
        );
        let wasm = encode(&[&exports]);
        assert!(minify(&wasm, "./m.js").is_err());
    }

    #[test]
    fn the_other_sections_are_copied_in_order() {
        use wasm_encoder::{CodeSection, Function, FunctionSection, Instruction, TypeSection};
        let mut types = TypeSection::new();
        types.ty().function([], []);
        let mut functions = FunctionSection::new();
        functions.function(0).function(0);
        let mut code = CodeSection::new();
        let mut body = Function::new([]);
        body.instruction(&Instruction::End);
        code.function(&body).function(&body);
        let mut imports = ImportSection::new();
        imports.import("./m.js", "__wbg_f", EntityType::Function(0));
        let mut renamed = ImportSection::new();
        renamed.import("./m.js", "a", EntityType::Function(0));
        let name = custom("name", &[0x01, 0x02]);
        let wasm = encode(&[&types, &imports, &functions, &code, &name]);
        let minified = minify(&wasm, "./m.js").expect("rewritten");
        assert_eq!(
            minified.wasm,
            encode(&[&types, &renamed, &functions, &code, &name])
        );
    }
}
