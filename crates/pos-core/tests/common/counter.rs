//! The counter as the scenario tests drive it: demo barcodes, tenders, approvers, and a till's
//! everyday calls (open a cart, scan, attach a member, pay, return) through the typed API.

use chrono::{DateTime, Utc};
use pos_core::api::*;
use pos_core::cart::Cart;
use pos_core::ids::{MemberId, SaleId};
use pos_core::member::NewMember;
use pos_core::pricing::{Tender, TenderKind};
use pos_core::sale::returns::{ReturnLineInput, ReturnReason};
use pos_core::Money;

use super::Till;

pub const AMOXICILLIN: &str = "6907462053312"; // 阿莫西林胶囊 12.80, Rx, 医保, 青霉素类
pub const PARACETAMOL: &str = "6914624021096"; // 对乙酰氨基酚片 3.50
pub const CONTAC: &str = "6906988033655"; // 新康泰克 19.80, ephedrine, 医保
pub const BAIJIAHEI: &str = "6922249033479"; // 白加黑感冒片 15.80, ephedrine
pub const GANMAOLING: &str = "6939668066407"; // 感冒灵颗粒 15.80, 医保
pub const FENGYOUJING: &str = "6904511060918"; // 风油精 3.00, not 医保-listed
pub const PIANZAIHUANG: &str = "6918557058457"; // 片仔癀 590.00, no member discount, no points
pub const VALID_ID: &str = "11010519491231002X";

pub fn m(s: &str) -> Money {
    Money::parse_amount(s).unwrap()
}

pub fn at(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339)
        .unwrap()
        .with_timezone(&Utc)
}

pub fn cash(amount: &str) -> Tender {
    Tender {
        kind: TenderKind::Cash,
        amount: m(amount),
        settlement_no: None,
        reference: None,
    }
}

pub fn tender(kind: TenderKind, amount: &str) -> Tender {
    Tender {
        kind,
        amount: m(amount),
        settlement_no: (kind == TenderKind::Insurance).then(|| "YB-0001".to_owned()),
        reference: None,
    }
}

pub fn approver(staff_no: &str, pin: &str) -> Approver {
    Approver {
        staff_no: staff_no.into(),
        pin: pin.into(),
    }
}

pub fn pharmacist() -> Approver {
    approver("2001", "2222")
}

pub fn manager() -> Approver {
    approver("3001", "3333")
}

impl Till {
    pub fn cart(&self) -> Cart {
        self.api.call(CartOpen {}).unwrap()
    }

    pub fn scan(&self, cart: &Cart, barcode: &str, qty: i64) -> Result<Cart, pos_core::PosError> {
        self.api.call(CartScan {
            cart_id: cart.id,
            barcode: barcode.into(),
            quantity: Some(qty),
        })
    }

    pub fn member(&self, phone: &str, name: &str) -> MemberId {
        self.api
            .call(NewMember {
                phone: phone.into(),
                name: name.into(),
                basic_consent: true,
                health_consent: true,
                ..Default::default()
            })
            .unwrap()
            .member
            .id
    }

    pub fn attach(&self, cart: &Cart, member: MemberId) -> Cart {
        self.api
            .call(CartSetMember {
                cart_id: cart.id,
                member_id: Some(member),
            })
            .unwrap()
    }

    pub fn pay(
        &self,
        cart: &Cart,
        tenders: Vec<Tender>,
    ) -> Result<pos_core::sale::Sale, pos_core::PosError> {
        self.api.call(SalePay {
            cart_id: cart.id,
            tenders,
        })
    }

    pub fn give_points(&self, member: MemberId, n: i64) {
        self.login("3001", "3333");
        self.api
            .call(PointsAdjust {
                member_id: member,
                points: n,
                reason: "测试准备".into(),
            })
            .unwrap();
        self.login("1001", "1111");
    }

    /// `return_preview` of `(sale line, quantity)` pairs.
    pub fn preview(
        &self,
        sale: SaleId,
        lines: &[(pos_core::ids::LineId, u32)],
    ) -> pos_core::sale::returns::ReturnPreview {
        self.api
            .call(ReturnPreviewArgs {
                sale_id: sale,
                lines: return_lines(lines),
            })
            .unwrap()
    }

    /// `return_create` of `(sale line, quantity)` pairs, approved by `manager`, under a new
    /// return id from `return_open`.
    pub fn ret(
        &self,
        sale: SaleId,
        lines: &[(pos_core::ids::LineId, u32)],
        reason: ReturnReason,
        note: &str,
        manager: Approver,
    ) -> Result<pos_core::sale::returns::SaleReturn, pos_core::PosError> {
        let id = self.api.call(ReturnOpen {}).unwrap().return_id;
        self.ret_as(id, sale, lines, reason, note, manager)
    }

    /// `ret` under the given return id.
    pub fn ret_as(
        &self,
        id: SaleId,
        sale: SaleId,
        lines: &[(pos_core::ids::LineId, u32)],
        reason: ReturnReason,
        note: &str,
        manager: Approver,
    ) -> Result<pos_core::sale::returns::SaleReturn, pos_core::PosError> {
        // The cashier scans the 药品追溯码 of each pack brought back, as the counter does.
        let mut lines = return_lines(lines);
        for l in &mut lines {
            let codes = self.out_codes(l.sale_line_id, l.quantity);
            if !codes.is_empty() {
                l.trace_codes = Some(codes);
            }
        }
        self.api.call(ReturnCreate {
            return_id: id,
            sale_id: sale,
            lines,
            reason,
            note: note.into(),
            manager,
        })
    }

    /// Up to `n` 药品追溯码 of a sale line still out (sold, not brought back).
    pub fn out_codes(&self, line: pos_core::ids::LineId, n: u32) -> Vec<String> {
        self.api
            .store()
            .read(|c| {
                let mut st = c.prepare(
                    "SELECT code FROM sale_trace_code WHERE sale_line_id = ?1 AND return_id IS NULL
                     ORDER BY code LIMIT ?2",
                )?;
                let codes = st
                    .query_map((line, n), |r| r.get(0))?
                    .collect::<rusqlite::Result<Vec<String>>>()?;
                Ok(codes)
            })
            .unwrap()
    }

    /// Scans a 药品追溯码 for every pack still waiting for one (a GS1 DataMatrix built from the
    /// product's barcode with a fresh serial), as the cashier does before 医保 pays.
    pub fn pack_codes(&self, cart: &Cart) -> Cart {
        let mut c = cart.clone();
        for l in cart
            .lines
            .iter()
            .filter(|l| cart.gates.trace_pending.contains(&l.id))
        {
            for _ in l.trace_codes.len()..l.quantity as usize {
                let serial = format!("{:016X}", pos_core::ids::random_u64());
                c = self
                    .scan(&c, &format!("(01)0{}(21){serial}", l.barcode), 1)
                    .unwrap();
            }
        }
        c
    }

    /// `return_create` of whole `ReturnLineInput`s (with the packs' codes), as a damaged-pack
    /// return approved by the manager.
    pub fn ret_lines(
        &self,
        sale: SaleId,
        lines: Vec<ReturnLineInput>,
    ) -> Result<pos_core::sale::returns::SaleReturn, pos_core::PosError> {
        let id = self.api.call(ReturnOpen {}).unwrap().return_id;
        self.api.call(ReturnCreate {
            return_id: id,
            sale_id: sale,
            lines,
            reason: ReturnReason::Damaged,
            note: String::new(),
            manager: manager(),
        })
    }

    pub fn facts(&self) -> [i64; 6] {
        [
            self.count("SELECT count(*) FROM sale"),
            self.count("SELECT count(*) FROM sale_line"),
            self.count("SELECT count(*) FROM sale_payment"),
            self.count("SELECT count(*) FROM points_entry"),
            self.count("SELECT count(*) FROM outbox"),
            self.count("SELECT count(*) FROM ephedrine_register"),
        ]
    }
}

pub fn return_lines(lines: &[(pos_core::ids::LineId, u32)]) -> Vec<ReturnLineInput> {
    lines
        .iter()
        .map(|&(sale_line_id, quantity)| ReturnLineInput {
            sale_line_id,
            quantity,
            trace_codes: None,
        })
        .collect()
}

pub fn cashier() -> Till {
    let t = Till::demo();
    t.login("1001", "1111");
    t
}
