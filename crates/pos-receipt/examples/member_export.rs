//! Writes the sample member export (the one the tests use) to a PDF file, to look at:
//! `cargo run -p pos-receipt --example member_export -- /tmp/export.pdf [history]`, then
//! `pdftoppm -r 110 -png -f 1 -l 1 /tmp/export.pdf docs/screenshots/member-export`.

#[path = "../tests/common/mod.rs"]
mod common;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .unwrap_or_else(|| "member-export.pdf".to_owned());
    let history = args.next().and_then(|n| n.parse().ok()).unwrap_or(12);
    let renderer = pos_receipt::PdfRenderer::new();
    renderer.fonts().unwrap_or_else(|e| panic!("{}", e.message));
    let started = std::time::Instant::now();
    let pdf = renderer
        .member_export(&common::export(history))
        .unwrap_or_else(|e| panic!("{}", e.message));
    let took = started.elapsed();
    std::fs::write(&path, &pdf.bytes).expect("write the PDF");
    println!(
        "{path}: {} bytes, {} pages, rendered in {took:?} (fonts parsed before), missing {:?}",
        pdf.bytes.len(),
        pdf.pages,
        pdf.missing
    );
}
