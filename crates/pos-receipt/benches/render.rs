//! How long documents take to render (release: `cargo bench -p pos-receipt`). The fonts are
//! parsed once, as the renderer does; each iteration lays out, subsets the font and writes a PDF.

use divan::Bencher;
use pos_receipt::fonts::Fonts;
use pos_receipt::layout::Paper;
use pos_receipt::PdfRenderer;

#[path = "../tests/common/mod.rs"]
mod common;

fn main() {
    divan::main();
}

/// The member export: a new member (1 page), a regular (3 pages), a member of many years.
#[divan::bench(args = [5, 60, 400])]
fn member_export(bencher: Bencher, history: usize) {
    let renderer = PdfRenderer::new();
    renderer.fonts().expect("fonts");
    let export = common::export(history);
    bencher.bench_local(|| renderer.member_export(divan::black_box(&export)).unwrap());
}

/// The checkout receipt (`Renderer::receipt_pdf` from a `Receipt` value) at 80 mm: layout,
/// bar code, QR code, font subset and PDF. Aim: under 20 ms for 5 lines.
#[divan::bench(args = [5, 30])]
fn receipt_pdf_80mm(bencher: Bencher, lines: usize) {
    let renderer = PdfRenderer::new();
    renderer.fonts().expect("fonts");
    let receipt = common::receipt_model(lines);
    bencher.bench_local(|| renderer.receipt(divan::black_box(&receipt), 80).unwrap());
}

#[divan::bench(args = [5])]
fn receipt_pdf_58mm(bencher: Bencher, lines: usize) {
    let renderer = PdfRenderer::new();
    renderer.fonts().expect("fonts");
    let receipt = common::receipt_model(lines);
    bencher.bench_local(|| renderer.receipt(divan::black_box(&receipt), 58).unwrap());
}

/// The same receipt as ESC/POS bytes.
#[divan::bench(args = [5])]
fn receipt_escpos_80mm(bencher: Bencher, lines: usize) {
    let receipt = common::receipt_model(lines);
    bencher.bench_local(|| pos_receipt::receipt_escpos(divan::black_box(&receipt), 80));
}

/// The layout code alone on a receipt-shaped document (no bar codes), as before checkout.
#[divan::bench(args = [3, 30])]
fn receipt_80mm(bencher: Bencher, lines: usize) {
    let fonts = Fonts::embedded().expect("fonts");
    bencher.bench_local(|| common::receipt(&fonts, Paper::ROLL_80, lines).bytes.len());
}

#[divan::bench(args = [3])]
fn receipt_58mm(bencher: Bencher, lines: usize) {
    let fonts = Fonts::embedded().expect("fonts");
    bencher.bench_local(|| common::receipt(&fonts, Paper::ROLL_58, lines).bytes.len());
}
