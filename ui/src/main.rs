fn main() {
    ui::run();
}
