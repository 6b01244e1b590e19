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

/// An 80 mm sale receipt of `lines` lines, shaped like the checkout one will be.
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
