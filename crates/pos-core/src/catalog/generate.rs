//! Generated realistic catalogs for benchmarks and load tests: drug-like names built from real
//! name parts, valid EAN-13 barcodes, plausible prices and flags. Deterministic for a seed.

use super::barcode::with_check_digit;

const STEMS: &[&str] = &[
    "阿莫西林",
    "头孢克肟",
    "头孢呋辛酯",
    "阿奇霉素",
    "布洛芬",
    "对乙酰氨基酚",
    "氨氯地平",
    "硝苯地平",
    "缬沙坦",
    "二甲双胍",
    "格列美脲",
    "阿卡波糖",
    "阿托伐他汀",
    "瑞舒伐他汀",
    "奥美拉唑",
    "雷贝拉唑",
    "蒙脱石",
    "氯雷他定",
    "西替利嗪",
    "板蓝根",
    "连花清瘟",
    "六味地黄",
    "藿香正气",
    "复方丹参",
    "维生素C",
    "碳酸钙",
    "左氧氟沙星",
    "氨溴索",
    "右美沙芬",
    "甲硝唑",
];
const FORMS: &[(&str, &str, &str)] = &[
    ("胶囊", "胶囊剂", "0.25g*24粒"),
    ("片", "片剂", "10mg*28片"),
    ("缓释片", "片剂", "0.5g*30片"),
    ("颗粒", "颗粒剂", "10g*12袋"),
    ("口服液", "口服液", "10ml*10支"),
    ("分散片", "片剂", "0.1g*12片"),
    ("滴丸", "丸剂", "27mg*180丸"),
];
const MAKERS: &[&str] = &[
    "华北制药",
    "石药集团",
    "修正药业",
    "白云山",
    "扬子江药业",
    "以岭药业",
    "华润三九",
    "同仁堂",
];

/// A tiny deterministic generator (SplitMix64); good enough for test data.
pub(crate) struct Mix(pub(crate) u64);

impl Mix {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

/// `count` products as a catalog CSV (the import format), header included.
pub fn csv(count: usize, seed: u64) -> String {
    let mut rng = Mix(seed);
    let mut out = String::from(
        "barcode,name,generic_name,spec,dosage_form,manufacturer,unit,price,category,rx,ephedrine,insurance,member_discount,points,follow_up,allergen_classes,days_of_supply,guidance\n",
    );
    for i in 0..count {
        let stem = rng.pick(STEMS);
        let (suffix, form, spec) = *rng.pick(FORMS);
        let maker = rng.pick(MAKERS);
        let barcode = with_check_digit(&format!("69{:010}", 1_000_000 + i));
        let price_fen = 150 + rng.next() % 30_000;
        let flag = |r: &mut Mix, per_mille: u64| u64::from(r.next() % 1000 < per_mille);
        out.push_str(&format!(
            "{barcode},{stem}{suffix}（{maker}{n}）,{stem}{suffix},{spec},{form},{maker},盒,{}.{:02},西药,{},{},{},{},{},{},,,口服，遵医嘱\n",
            price_fen / 100,
            price_fen % 100,
            flag(&mut rng, 350),
            flag(&mut rng, 20),
            flag(&mut rng, 700),
            flag(&mut rng, 930),
            flag(&mut rng, 960),
            flag(&mut rng, 150),
            n = i % 97,
        ));
    }
    out
}
