//! Where each typed order status stands in its platform's flow.
//!
//! Sources (`docs/platform.md`):
//! - the Taobao order status codes of the key-account status-flow page
//!   (<https://doc-en-ka.xportcn.com/doc-8873281>): codes 12, 0, 1, 2, 3, 5,
//!   10, 11, 4, 9;
//! - the push `orderStatus` values of the message manual
//!   (<https://doc-en-ka.xportcn.com/doc-7259275>): `WAITING_FOR_PAYMENT`,
//!   `CANCEL`, `WAITING_FOR_SENT`;
//! - the 1688 order statuses of the 1688 order model
//!   ([`ali1688::OrderStatus`]).
//!
//! The docs list the statuses; they do not draw every arrow between them.
//! The order below follows the flow the names describe (created → paid →
//! shipped → received); every step the docs do not state outright is marked
//! **INFERRED** on its status. Two statuses the docs leave unordered compare
//! as [`Relation::Unordered`]: the tracker then orders them by their dates
//! where it can (see [`fold`](super::fold)).
//!
//! Which states are final, and on what evidence: [`Status::is_final`].

use std::cmp::Ordering;
use std::fmt;

use crate::ali1688;
use crate::callbacks::PushOrderStatus as PushStatus;

pub use crate::types::Platform;

/// An order's identity for the tracker: its platform and order id.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct OrderKey {
    /// The platform.
    pub platform: Platform,
    /// The platform's order id, as text.
    pub order_id: String,
}

impl OrderKey {
    /// The key of order `order_id` on `platform`.
    pub fn new(platform: Platform, order_id: impl Into<String>) -> Self {
        OrderKey {
            platform,
            order_id: order_id.into(),
        }
    }
}

impl fmt::Display for OrderKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.platform, self.order_id)
    }
}

/// A Taobao order status code of the key-account status-flow page
/// (<https://doc-en-ka.xportcn.com/doc-8873281>).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TaobaoStatus {
    /// 12 `ORDER_BULIDING` (spelled so): the order is being built.
    /// INFERRED: before payment.
    Building,
    /// 0 `TAOBAO_ORDER_WAIT_BUYER_PAY`.
    WaitBuyerPay,
    /// 1 `ORDER_PAY_STATUS`: payment voucher uploaded. INFERRED: after 0.
    VoucherUploaded,
    /// 5 `WAIT_FINANCE_PAY`. INFERRED: after 1, before the finance review's
    /// answer.
    WaitFinancePay,
    /// 2 `ORDER_FINANCE_PASS_STATUS`. INFERRED: after 5; unordered against 3.
    FinancePass,
    /// 3 `ORDER_FINANCE_REFUSE_STATUS`. INFERRED: after 5; unordered
    /// against 2.
    FinanceRefuse,
    /// 10 `WAIT_SELLER_SEND_GOODS`: paid, waiting for shipment.
    WaitSellerSendGoods,
    /// 11 `WAIT_BUYER_CONFIRM_GOODS`: shipped.
    WaitBuyerConfirmGoods,
    /// 4 `CANCEL`.
    Cancel,
    /// 9 `OTHER_STATUS`: no place in the flow (treated like an unknown
    /// status: kept in the history, never moves the state).
    Other,
    /// A code the page does not list.
    Unknown(i64),
}

impl TaobaoStatus {
    /// The status of a code.
    pub fn from_code(code: i64) -> Self {
        match code {
            12 => TaobaoStatus::Building,
            0 => TaobaoStatus::WaitBuyerPay,
            1 => TaobaoStatus::VoucherUploaded,
            5 => TaobaoStatus::WaitFinancePay,
            2 => TaobaoStatus::FinancePass,
            3 => TaobaoStatus::FinanceRefuse,
            10 => TaobaoStatus::WaitSellerSendGoods,
            11 => TaobaoStatus::WaitBuyerConfirmGoods,
            4 => TaobaoStatus::Cancel,
            9 => TaobaoStatus::Other,
            other => TaobaoStatus::Unknown(other),
        }
    }

    /// The code.
    pub fn code(self) -> i64 {
        match self {
            TaobaoStatus::Building => 12,
            TaobaoStatus::WaitBuyerPay => 0,
            TaobaoStatus::VoucherUploaded => 1,
            TaobaoStatus::WaitFinancePay => 5,
            TaobaoStatus::FinancePass => 2,
            TaobaoStatus::FinanceRefuse => 3,
            TaobaoStatus::WaitSellerSendGoods => 10,
            TaobaoStatus::WaitBuyerConfirmGoods => 11,
            TaobaoStatus::Cancel => 4,
            TaobaoStatus::Other => 9,
            TaobaoStatus::Unknown(c) => c,
        }
    }
}

/// An order status as one source reports it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Status {
    /// A Taobao status code (order detail or list).
    Taobao(TaobaoStatus),
    /// A push's `orderStatus` (either platform).
    Push(PushStatus),
    /// A 1688 order status (order detail).
    Ali1688(ali1688::OrderStatus),
}

/// A status's place in the flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// A step: rank, then a sibling number (same rank, other sibling:
    /// unordered).
    Step(u8, u8),
    /// Closed without completing: cancelled or terminated.
    Closed,
    /// No place: unknown, or known without a place.
    Unplaced,
}

/// Rank of "waiting for payment".
const AWAITING_PAYMENT: u8 = 10;

/// How two statuses relate in the flow ([`Status::relation`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Relation {
    /// The first comes before the second.
    Before,
    /// Same place (for example a push's `WAITING_FOR_SENT` and Taobao's
    /// code 10).
    Same,
    /// The first comes after the second.
    After,
    /// The docs leave these two unordered (a cancel against a payment, two
    /// answers of the finance review): the dates decide, where they can
    /// ([`fold`](super::fold)).
    Unordered,
    /// At least one has no place in the flow (unknown status).
    Unplaced,
}

impl Status {
    /// The stored text: `tb:<code>`, `push:<orderStatus>`, `1688:<status>`.
    pub fn to_wire(&self) -> String {
        match self {
            Status::Taobao(s) => format!("tb:{}", s.code()),
            Status::Push(s) => format!("push:{}", s.as_str()),
            Status::Ali1688(s) => format!("1688:{}", s.as_str()),
        }
    }

    /// Reads [`Status::to_wire`]'s text; `None` for text of another shape.
    pub fn from_wire(text: &str) -> Option<Self> {
        let (kind, value) = text.split_once(':')?;
        match kind {
            "tb" => value
                .parse::<i64>()
                .ok()
                .map(|c| Status::Taobao(TaobaoStatus::from_code(c))),
            "push" => Some(Status::Push(PushStatus::from_wire(value))),
            "1688" => Some(Status::Ali1688(ali1688::OrderStatus::from_wire(value))),
            _ => None,
        }
    }

    fn place(&self) -> Place {
        use TaobaoStatus as T;
        use ali1688::OrderStatus as A;
        match self {
            Status::Taobao(s) => match s {
                T::Building => Place::Step(0, 0),
                T::WaitBuyerPay => Place::Step(AWAITING_PAYMENT, 0),
                T::VoucherUploaded => Place::Step(20, 0),
                T::WaitFinancePay => Place::Step(25, 0),
                T::FinancePass => Place::Step(30, 0),
                T::FinanceRefuse => Place::Step(30, 1),
                T::WaitSellerSendGoods => Place::Step(40, 0),
                T::WaitBuyerConfirmGoods => Place::Step(60, 0),
                T::Cancel => Place::Closed,
                T::Other | T::Unknown(_) => Place::Unplaced,
            },
            Status::Push(s) => match s {
                PushStatus::WaitingForPayment => Place::Step(AWAITING_PAYMENT, 0),
                PushStatus::WaitingForSent => Place::Step(40, 0),
                PushStatus::Cancel => Place::Closed,
                _ => Place::Unplaced,
            },
            Status::Ali1688(s) => match s {
                A::WaitBuyerPay => Place::Step(AWAITING_PAYMENT, 0),
                A::WaitSellerSend => Place::Step(40, 0),
                A::WaitLogisticsTakeIn => Place::Step(50, 0),
                A::WaitBuyerReceive => Place::Step(60, 0),
                A::WaitBuyerSign => Place::Step(61, 0),
                A::SignInSuccess => Place::Step(70, 0),
                A::ConfirmGoods => Place::Step(80, 0),
                A::Success => Place::Step(90, 0),
                A::Cancel | A::Terminated => Place::Closed,
                _ => Place::Unplaced,
            },
        }
    }

    /// Whether this status has a place in the flow (it is known).
    pub fn is_known(&self) -> bool {
        self.place() != Place::Unplaced
    }

    /// Whether the order is done: cancelled, terminated or completed. A
    /// final state never changes in the tracker (not on a push, not on a
    /// poll) and is never polled again.
    ///
    /// | source | final | evidence |
    /// |---|---|---|
    /// | Taobao status code | 4 `CANCEL` | DOC: listed on the status-flow page; final INFERRED from its name: the page draws no step out of it |
    /// | push `orderStatus` | `CANCEL` | DOC: message manual (`ORDER_CANCEL`, `closeReason` `buyer_cancel`); final INFERRED as for code 4 |
    /// | 1688 order status | `cancel`, `terminated`, `success` | DOC: the 1688 order model's statuses; final INFERRED from 1688's meanings (trade cancelled, terminated, completed) |
    ///
    /// Pages: the key-account status-flow page
    /// (<https://doc-en-ka.xportcn.com/doc-8873281>), the message manual
    /// (<https://doc-en-ka.xportcn.com/doc-7259275>), the 1688 order model
    /// ([`ali1688::OrderStatus`]); `docs/platform.md` §4 and §6.
    ///
    /// Not final: every other status. Taobao has no completed status: the
    /// page lists nothing after 11 `WAIT_BUYER_CONFIRM_GOODS`, so a Taobao
    /// order is final only when cancelled. 3 `ORDER_FINANCE_REFUSE_STATUS` is
    /// not final (INFERRED: a refused payment voucher may be uploaded again).
    /// Refunds are not order statuses in any model the SDK has (a
    /// sub-order's `refundStatus`, a 1688 refund record): an order with a
    /// refund keeps its order status here.
    pub fn is_final(&self) -> bool {
        matches!(self.place(), Place::Closed | Place::Step(90, _))
    }

    /// How `self` relates to `other` in the flow.
    ///
    /// - Steps compare by the flow: waiting for payment (Taobao 0, push
    ///   `WAITING_FOR_PAYMENT`, 1688 `waitbuyerpay`) → paid, waiting for
    ///   shipment (Taobao 10, push `WAITING_FOR_SENT`, 1688
    ///   `waitsellersend`) → shipped (Taobao 11, 1688 `waitbuyerreceive`) →
    ///   … → 1688 `success`. The 1688 steps between `waitsellersend` and
    ///   `success` are ordered as their names describe (INFERRED).
    /// - A cancel (Taobao 4, push `CANCEL`, 1688 `cancel` / `terminated`)
    ///   comes after the steps up to waiting for payment (INFERRED: it ends
    ///   an unpaid order), and is [`Relation::Unordered`] against payment
    ///   and every later step: the docs do not say whether a paid order can
    ///   still be cancelled.
    /// - Two cancels are the same place.
    /// - An unknown status (or Taobao 9 `OTHER_STATUS`) is
    ///   [`Relation::Unplaced`].
    pub fn relation(&self, other: &Status) -> Relation {
        match (self.place(), other.place()) {
            (Place::Unplaced, _) | (_, Place::Unplaced) => Relation::Unplaced,
            (Place::Closed, Place::Closed) => Relation::Same,
            (Place::Closed, Place::Step(r, _)) => {
                if r <= AWAITING_PAYMENT {
                    Relation::After
                } else {
                    Relation::Unordered
                }
            }
            (Place::Step(r, _), Place::Closed) => {
                if r <= AWAITING_PAYMENT {
                    Relation::Before
                } else {
                    Relation::Unordered
                }
            }
            (Place::Step(a, sa), Place::Step(b, sb)) => match a.cmp(&b) {
                Ordering::Less => Relation::Before,
                Ordering::Greater => Relation::After,
                Ordering::Equal if sa == sb => Relation::Same,
                Ordering::Equal => Relation::Unordered,
            },
        }
    }

    /// Whether `self` comes after `other` in the flow (false when they are
    /// unordered or either is unknown).
    pub fn is_after(&self, other: &Status) -> bool {
        self.relation(other) == Relation::After
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_wire())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tb(c: i64) -> Status {
        Status::Taobao(TaobaoStatus::from_code(c))
    }
    fn push(s: &str) -> Status {
        Status::Push(PushStatus::from_wire(s))
    }
    fn ali(s: &str) -> Status {
        Status::Ali1688(ali1688::OrderStatus::from_wire(s))
    }

    #[test]
    fn taobao_flow_is_ordered() {
        let flow = [12, 0, 1, 5, 2, 10, 11];
        for w in flow.windows(2) {
            assert!(tb(w[1]).is_after(&tb(w[0])), "{} after {}", w[1], w[0]);
            assert_eq!(tb(w[0]).relation(&tb(w[1])), Relation::Before);
        }
        assert_eq!(tb(2).relation(&tb(3)), Relation::Unordered);
        for c in [12, 0, 1, 2, 3, 4, 5, 9, 10, 11] {
            assert_eq!(TaobaoStatus::from_code(c).code(), c);
        }
    }

    #[test]
    fn push_values_line_up_with_both_platforms() {
        assert_eq!(push("WAITING_FOR_PAYMENT").relation(&tb(0)), Relation::Same);
        assert_eq!(push("WAITING_FOR_SENT").relation(&tb(10)), Relation::Same);
        assert_eq!(push("CANCEL").relation(&tb(4)), Relation::Same);
        assert_eq!(
            push("WAITING_FOR_PAYMENT").relation(&ali("waitbuyerpay")),
            Relation::Same
        );
        assert_eq!(
            push("WAITING_FOR_SENT").relation(&ali("waitsellersend")),
            Relation::Same
        );
        assert!(push("WAITING_FOR_SENT").is_after(&push("WAITING_FOR_PAYMENT")));
        assert!(!push("WAITING_FOR_PAYMENT").is_after(&push("WAITING_FOR_SENT")));
    }

    #[test]
    fn ali1688_flow_is_ordered() {
        let flow = [
            "waitbuyerpay",
            "waitsellersend",
            "waitlogisticstakein",
            "waitbuyerreceive",
            "waitbuyersign",
            "signinsuccess",
            "confirm_goods",
            "success",
        ];
        for w in flow.windows(2) {
            assert!(ali(w[1]).is_after(&ali(w[0])), "{} after {}", w[1], w[0]);
        }
        assert!(ali("success").is_final());
        assert!(ali("cancel").is_final());
        assert!(ali("terminated").is_final());
        assert!(!ali("waitsellersend").is_final());
    }

    #[test]
    fn cancel_against_payment_is_unordered() {
        assert!(push("CANCEL").is_after(&push("WAITING_FOR_PAYMENT")));
        assert_eq!(
            push("CANCEL").relation(&push("WAITING_FOR_SENT")),
            Relation::Unordered
        );
        assert_eq!(tb(10).relation(&tb(4)), Relation::Unordered);
        assert_eq!(ali("cancel").relation(&ali("terminated")), Relation::Same);
    }

    #[test]
    fn unknown_statuses_have_no_place() {
        assert_eq!(push("SHIPPED").relation(&tb(0)), Relation::Unplaced);
        assert_eq!(tb(9).relation(&tb(0)), Relation::Unplaced);
        assert_eq!(tb(77).relation(&tb(0)), Relation::Unplaced);
        assert!(!push("SHIPPED").is_known());
        assert!(!push("SHIPPED").is_final());
    }

    #[test]
    fn wire_round_trips() {
        for s in [tb(10), push("CANCEL"), ali("waitsellersend"), tb(77)] {
            assert_eq!(Status::from_wire(&s.to_wire()), Some(s));
        }
        assert_eq!(Status::from_wire("nope"), None);
        assert_eq!(Status::from_wire("tb:x"), None);
    }
}
