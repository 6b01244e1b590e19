//! Writes the sample receipt the layout tests use, to look at on 80 mm or 58 mm paper:
//! `cargo run -p pos-receipt --example receipt -- 80 /tmp/receipt.pdf [lines]`.

#[path = "../tests/common/mod.rs"]
mod common;

use pos_receipt::fonts::Fonts;
use pos_receipt::layout::Paper;

fn main() {
    let mut args = std::env::args().skip(1);
    let paper = match args.next().as_deref() {
        Some("58") => Paper::ROLL_58,
        _ => Paper::ROLL_80,
    };
    let path = args.next().unwrap_or_else(|| "receipt.pdf".to_owned());
    let lines = args.next().and_then(|n| n.parse().ok()).unwrap_or(3);
    let fonts = Fonts::embedded().expect("the embedded font parses");
    let started = std::time::Instant::now();
    let pdf = common::receipt(&fonts, paper, lines);
    let took = started.elapsed();
    std::fs::write(&path, &pdf.bytes).expect("write the PDF");
    println!("{path}: {} bytes, rendered in {took:?}", pdf.bytes.len());
}
