// talc in place of std's dlmalloc: 3.4 KB less of the first load
// (docs/ui-size.md). Browser builds only; the native tests keep std's.
#[cfg(all(not(target_feature = "atomics"), target_family = "wasm"))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

fn main() {
    ui::run();
}
