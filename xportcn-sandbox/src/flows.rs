//! The sandbox's state: carts, orders and refunds of the Taobao and 1688
//! flows, with consistent ids, status changes and the messages they push.
//!
//! Where the docs show an answer, the sandbox answers in that shape (the
//! field names of the documented samples and of the SDK's models). Where
//! they show none (order create, pay, detail and refund submit of Taobao,
//! among others), the answer is the sandbox's own, small and stated as such
//! in the module docs: a test should read such answers the way the SDK does,
//! raw.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::auth::Refusal;
use super::clock::china_time;
use super::push::{ALI1688, TAOBAO};
use super::{MAX_KEPT, codes};

/// The request's parameters: the query pairs, the JSON body's fields and
/// the path parameters, by wire name.
#[derive(Debug, Default)]
pub(crate) struct Params {
    map: Map<String, Value>,
}

impl Params {
    pub(crate) fn new(
        query: &[(String, String)],
        body: Option<&Value>,
        path: &[(String, String)],
    ) -> Self {
        let mut map = Map::new();
        for (k, v) in query.iter().chain(path) {
            map.insert(k.clone(), Value::String(v.clone()));
        }
        if let Some(Value::Object(b)) = body {
            for (k, v) in b {
                map.insert(k.clone(), v.clone());
            }
        }
        Params { map }
    }

    fn get(&self, key: &str) -> Option<&Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    /// A string or a number, as text (numbers digit for digit).
    fn text(&self, key: &str) -> Option<String> {
        self.get(key).and_then(as_text)
    }

    fn required(&self, key: &str) -> Result<String, Refusal> {
        self.text(key)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| invalid(format!("missing parameter `{key}` (缺少参数)")))
    }

    fn int(&self, key: &str) -> Option<i64> {
        self.get(key).and_then(as_int)
    }

    /// A list, sent as JSON or as JSON text inside a string.
    fn list(&self, key: &str) -> Result<Vec<Value>, Refusal> {
        match self.get(key) {
            Some(Value::Array(a)) => Ok(a.clone()),
            Some(Value::String(s)) => match serde_json::from_str(s) {
                Ok(Value::Array(a)) => Ok(a),
                _ => Err(invalid(format!(
                    "`{key}` is not a JSON list (参数格式错误)"
                ))),
            },
            _ => Err(invalid(format!("missing parameter `{key}` (缺少参数)"))),
        }
    }

    /// An object, sent as JSON or as JSON text inside a string.
    fn object(&self, key: &str) -> Option<Value> {
        match self.get(key)? {
            Value::String(s) => serde_json::from_str(s).ok(),
            v => Some(v.clone()),
        }
    }
}

fn as_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn as_int(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// An id as a JSON number when it fits in `u64` (the platform sends ids
/// above 2^53 as numbers), as text otherwise.
fn id_json(id: &str) -> Value {
    id.parse::<u64>()
        .map(Value::from)
        .unwrap_or_else(|_| Value::String(id.to_owned()))
}

fn invalid(msg: impl Into<String>) -> Refusal {
    Refusal::new(codes::INVALID_PARAMETER, msg)
}

fn not_found(what: &str, id: &str) -> Refusal {
    Refusal::new(codes::NOT_FOUND, format!("{what} {id} not found (不存在)"))
}

fn conflict(msg: impl Into<String>) -> Refusal {
    Refusal::new(codes::STATE_CONFLICT, msg)
}

/// A message to push once the state lock is released.
pub(crate) struct Push {
    pub message_type: &'static str,
    pub platform: u8,
    pub body: Value,
}

/// What a stateful call did.
pub(crate) struct Outcome {
    pub data: Value,
    pub pushes: Vec<Push>,
}

impl Outcome {
    fn data(data: Value) -> Self {
        Outcome {
            data,
            pushes: Vec::new(),
        }
    }
}

/// Taobao order status codes (the KA status-flow page).
pub(crate) mod tb_status {
    pub const WAIT_BUYER_PAY: i64 = 0;
    pub const CANCEL: i64 = 4;
    pub const WAIT_SELLER_SEND_GOODS: i64 = 10;
}

/// Taobao sub-order refund status codes (the same page).
mod refund_status {
    pub const NONE: i64 = 0;
    pub const APPLIED: i64 = 10;
    pub const CLOSED: i64 = -20;
}

#[derive(Debug, Clone)]
struct CartItem {
    id: u64,
    fields: Value,
}

#[derive(Debug, Clone)]
struct TbSub {
    id: String,
    item_id: String,
    sku_id: String,
    title: String,
    quantity: i64,
    price: i64,
    refund_status: i64,
}

#[derive(Debug, Clone)]
struct TbOrder {
    id: String,
    order_no: String,
    status: i64,
    subs: Vec<TbSub>,
    created_ms: u64,
    paid_ms: Option<u64>,
    seller_order_number: Option<String>,
}

impl TbOrder {
    fn total(&self) -> i64 {
        self.subs
            .iter()
            .map(|s| amount(s.price, s.quantity))
            .fold(0, i64::saturating_add)
    }
}

#[derive(Debug, Clone)]
struct TbRefund {
    id: String,
    order_id: String,
    sub_order_id: String,
    status: i64,
    refund_type: i64,
    goods_status: i64,
    fee: i64,
    reason_id: Option<i64>,
    desc: Option<String>,
    messages: Vec<String>,
}

#[derive(Debug, Clone)]
struct AlLine {
    offer: Value,
    spec_id: String,
    quantity: i64,
    price: f64,
    entry_id: String,
}

#[derive(Debug, Clone)]
struct AlOrder {
    id: String,
    status: &'static str,
    lines: Vec<AlLine>,
    address: Value,
    created_ms: u64,
    paid_ms: Option<u64>,
}

impl AlOrder {
    fn total(&self) -> f64 {
        self.lines.iter().map(|l| l.price * l.quantity as f64).sum()
    }
}

#[derive(Debug, Clone)]
struct AlRefund {
    id: String,
    order_id: String,
    status: &'static str,
    apply_payment: i64,
    apply_carriage: i64,
    reason_id: Option<i64>,
    entry_ids: Vec<Value>,
    created_ms: u64,
}

/// The price of a Taobao SKU the sandbox does not know, in fen.
/// The endpoints [`State::handle`] answers (a unit test keeps the two in
/// step): their shape is the flow's, invented or not by
/// [`INVENTED_SHAPES`](super::INVENTED_SHAPES).
pub(crate) const STATEFUL: &[&str] = &[
    "TB-P8", "TB-P4", "TB-P5b", "TB-C2", "TB-C1", "TB-C3", "TB-O4", "TB-O6", "TB-C5", "TB-O7",
    "TB-O5", "TB-C6", "TB-O12", "TB-O3", "TB-O10", "TB-O2", "TB-O14", "TB-O8", "TB-O1", "TB-O15",
    "TB-A2", "TB-A7", "TB-A6", "TB-A5", "TB-A10", "TB-A1", "AL-P4", "AL-P5", "AL-P6", "AL-P2",
    "AL-O1", "AL-O2", "AL-O3", "AL-O4", "AL-O5", "AL-O6", "AL-O8", "AL-O7", "AL-O10", "AL-O11",
    "AL-A3", "AL-A6",
];

const DEFAULT_TB_PRICE: i64 = 100;
/// The price of a 1688 SKU, in yuan (the one the product detail shows).
const AL_PRICE: f64 = 19.0;

/// Everything the sandbox remembers.
#[derive(Debug)]
pub(crate) struct State {
    counter: u64,
    user_id: String,
    base_url: String,
    cart: Vec<CartItem>,
    tb_orders: BTreeMap<String, TbOrder>,
    tb_refunds: BTreeMap<String, TbRefund>,
    al_orders: BTreeMap<String, AlOrder>,
    al_refunds: BTreeMap<String, AlRefund>,
    /// The documented Taobao product: SKU prices for previews and orders.
    product: Value,
}

impl State {
    pub(crate) fn new(user_id: &str, base_url: &str, product: Value) -> Self {
        State {
            counter: 0,
            user_id: user_id.to_owned(),
            base_url: base_url.to_owned(),
            cart: Vec::new(),
            tb_orders: BTreeMap::new(),
            tb_refunds: BTreeMap::new(),
            al_orders: BTreeMap::new(),
            al_refunds: BTreeMap::new(),
            product,
        }
    }

    fn next(&mut self) -> u64 {
        self.counter += 1;
        self.counter
    }

    /// Answers a stateful endpoint (one of [`STATEFUL`]); `None` for the
    /// others.
    pub(crate) fn handle(
        &mut self,
        id: &str,
        p: &Params,
        now: u64,
    ) -> Option<Result<Outcome, Refusal>> {
        let r = match id {
            "TB-P8" | "TB-P4" => self.tb_product(p).map(Outcome::data),
            "TB-P5b" => Ok(Outcome::data(self.tb_item_search(p))),
            "TB-C2" => self.tb_cart_add(p).map(Outcome::data),
            "TB-C1" => Ok(Outcome::data(self.tb_cart_list())),
            "TB-C3" => self.tb_cart_delete(p).map(Outcome::data),
            "TB-O4" | "TB-O6" | "TB-C5" => self.tb_render(p).map(Outcome::data),
            "TB-O7" | "TB-O5" => self.tb_create(p, now),
            "TB-C6" => self.tb_cart_create(p, now),
            "TB-O12" | "TB-O3" => self.tb_pay(p, now),
            "TB-O10" | "TB-O2" => self.tb_cancel(p, now),
            "TB-O14" => self.tb_order(p).map(Outcome::data),
            "TB-O8" | "TB-O1" => Ok(Outcome::data(self.tb_order_page(p))),
            "TB-O15" => self.tb_logistics(p).map(Outcome::data),
            "TB-A2" => self.tb_refund_render(p).map(Outcome::data),
            "TB-A7" => self.tb_refund_submit(p),
            "TB-A6" => self.tb_refund_message(p).map(Outcome::data),
            "TB-A5" => self.tb_refund_cancel(p, now),
            "TB-A10" => self.tb_refund_detail(p).map(Outcome::data),
            "TB-A1" => Ok(Outcome::data(self.tb_refund_list(p))),
            "AL-P4" | "AL-P5" | "AL-P6" => Ok(Outcome::data(al_search(p))),
            "AL-P2" => self.al_product(p).map(Outcome::data),
            "AL-O1" | "AL-O2" => self.al_preview(p).map(Outcome::data),
            "AL-O3" | "AL-O4" => self.al_create(p, now),
            "AL-O5" => self.al_cancel(p, now),
            "AL-O6" => self.al_pay_url(p).map(Outcome::data),
            "AL-O8" => self.al_submit_to_pay(p, now),
            "AL-O7" => self.al_receive(p).map(Outcome::data),
            "AL-O10" => Ok(Outcome::data(self.al_order_page(p))),
            "AL-O11" => self.al_order(p).map(Outcome::data),
            "AL-A3" => self.al_refund_create(p, now),
            "AL-A6" => self.al_refund_info(p).map(Outcome::data),
            _ => return None,
        };
        Some(r)
    }

    // --- Taobao products and cart --------------------------------------

    /// The documented product, under the asked id. The sample's SKU field
    /// `mpSkuld` (the doc page's typo, null there) is answered as `mpSkuId`,
    /// the name the public Go client decodes, filled in: a cart add needs it.
    fn tb_product(&self, p: &Params) -> Result<Value, Refusal> {
        let id = p
            .text("itemId")
            .or_else(|| p.text("itemMapId"))
            .ok_or_else(|| invalid("missing parameter `itemId` (缺少参数)"))?;
        let mut product = self.product.clone();
        product["itemId"] = id_json(&id);
        if let Some(skus) = product["skuList"].as_array_mut() {
            for sku in skus {
                if let Some(sku_id) = sku.get("skuId").and_then(as_text) {
                    if let Some(fields) = sku.as_object_mut() {
                        fields.remove("mpSkuld");
                    }
                    sku["mpSkuId"] = Value::String(format!("41{sku_id}"));
                }
            }
        }
        Ok(product)
    }

    /// A keyword search (TB-P5b): the product, as one item in TB-P1's item
    /// shape (the fields the public Go client decodes for TB-P1, the closest
    /// evidence; no evidence shows TB-P5b's own answer, so it is flagged
    /// invented), in a `{pageNo, pageSize, data}` page.
    fn tb_item_search(&self, p: &Params) -> Value {
        let no = p.int("pageNo").unwrap_or(1).max(1);
        let size = p.int("pageSize").unwrap_or(20).clamp(1, 40);
        let product = &self.product;
        let price = product["price"].as_i64().unwrap_or(DEFAULT_TB_PRICE);
        let data = if no == 1 {
            json!([{
                "itemId": product["itemId"].clone(),
                "title": product["title"].clone(),
                "mainImageUrl": product["picUrls"].get(0).cloned().unwrap_or(Value::Null),
                "price": price.to_string(),
                "couponPrice": price.to_string(),
                "quantity": product["quantity"].clone(),
                "shopName": product["shopName"].clone(),
                "tags": [],
                "multiLanguageInfo": null,
                "promotionDisplays": null,
            }])
        } else {
            json!([])
        };
        json!({ "pageNo": no, "pageSize": size, "data": data })
    }

    fn sku_price(&self, sku_id: &str) -> i64 {
        self.product["skuList"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|s| s.get("skuId").and_then(as_text).as_deref() == Some(sku_id))
            .and_then(|s| s.get("price").and_then(as_int))
            .unwrap_or(DEFAULT_TB_PRICE)
    }

    fn sku_title(&self) -> String {
        self.product["title"].as_str().unwrap_or("商品").to_owned()
    }

    fn tb_cart_add(&mut self, p: &Params) -> Result<Value, Refusal> {
        p.text("skuId")
            .or_else(|| p.text("mpSkuId"))
            .ok_or_else(|| invalid("missing parameter `skuId` (缺少参数)"))?;
        let quantity = p.int("quantity").unwrap_or(1);
        if quantity < 1 {
            return Err(invalid("`quantity` must be at least 1 (数量错误)"));
        }
        let id = self.next() + 74;
        if self.cart.len() >= MAX_KEPT {
            self.cart.remove(0);
        }
        self.cart.push(CartItem {
            id,
            fields: Value::Object(p.map.clone()),
        });
        Ok(json!({ "id": id }))
    }

    fn tb_cart_list(&self) -> Value {
        Value::Array(
            self.cart
                .iter()
                .map(|c| {
                    let mut v = c.fields.clone();
                    v["id"] = json!(c.id);
                    v
                })
                .collect(),
        )
    }

    fn cart_ids(p: &Params) -> Result<Vec<u64>, Refusal> {
        Ok(p.list("ids")?
            .iter()
            .filter_map(|v| as_text(v).and_then(|s| s.parse().ok()))
            .collect())
    }

    fn tb_cart_delete(&mut self, p: &Params) -> Result<Value, Refusal> {
        let ids = Self::cart_ids(p)?;
        let before = self.cart.len();
        self.cart.retain(|c| !ids.contains(&c.id));
        Ok(json!({ "deleted": before - self.cart.len() }))
    }

    // --- Taobao orders ---------------------------------------------------

    /// The order lines of a render or create: item, SKU, quantity.
    fn tb_lines(&self, p: &Params) -> Result<Vec<TbSub>, Refusal> {
        let lines = p.list("orderLineList")?;
        if lines.is_empty() {
            return Err(invalid("`orderLineList` is empty (订单行为空)"));
        }
        lines
            .iter()
            .map(|l| {
                let field = |k: &str| l.get(k).and_then(as_text);
                let sku_id = field("skuId").unwrap_or_default();
                let quantity = l.get("quantity").and_then(as_int).unwrap_or(0);
                if quantity < 1 {
                    return Err(invalid("an order line's `quantity` must be at least 1"));
                }
                Ok(TbSub {
                    id: String::new(),
                    item_id: field("itemId")
                        .or_else(|| field("itemMapId"))
                        .ok_or_else(|| invalid("an order line has no `itemId`"))?,
                    price: self.sku_price(&sku_id),
                    sku_id,
                    title: self.sku_title(),
                    quantity,
                    refund_status: refund_status::NONE,
                })
            })
            .collect()
    }

    fn tb_render(&self, p: &Params) -> Result<Value, Refusal> {
        let lines = self.tb_lines(p)?;
        let total: i64 = lines
            .iter()
            .map(|l| amount(l.price, l.quantity))
            .fold(0, i64::saturating_add);
        Ok(json!({ "payAmount": total, "postFee": 0, "productAmount": total }))
    }

    fn tb_new_order(&mut self, subs: Vec<TbSub>, seller: Option<String>, now: u64) -> Outcome {
        let n = self.next();
        let id = (3_305_075_341_149_134_000 + n).to_string();
        let subs = subs
            .into_iter()
            .map(|mut s| {
                s.id = (1_034_499_579_120_189_000 + self.next()).to_string();
                s
            })
            .collect();
        let order = TbOrder {
            order_no: format!("PO{}{n:04}", &china_time(now)[..10].replace('-', "")),
            id: id.clone(),
            status: tb_status::WAIT_BUYER_PAY,
            subs,
            created_ms: now,
            paid_ms: None,
            seller_order_number: seller,
        };
        let push = Push {
            message_type: "ORDER_CREATE",
            platform: TAOBAO,
            body: tb_message(&order, "WAITING_FOR_PAYMENT"),
        };
        keep(&mut self.tb_orders, id.clone(), order);
        Outcome {
            data: json!({ "orderId": id_json(&id) }),
            pushes: vec![push],
        }
    }

    fn tb_create(&mut self, p: &Params, now: u64) -> Result<Outcome, Refusal> {
        let subs = self.tb_lines(p)?;
        let total: i64 = subs
            .iter()
            .map(|l| amount(l.price, l.quantity))
            .fold(0, i64::saturating_add);
        if let Some(budget) = p.int("purchaseAmount")
            && budget < total
        {
            return Err(invalid(format!(
                "`purchaseAmount` {budget} is below the order's amount {total} (采购金额不足)"
            )));
        }
        Ok(self.tb_new_order(subs, p.text("sellerOrderNumber"), now))
    }

    fn tb_cart_create(&mut self, p: &Params, now: u64) -> Result<Outcome, Refusal> {
        let ids = Self::cart_ids(p)?;
        let (picked, kept): (Vec<_>, Vec<_>) =
            self.cart.drain(..).partition(|c| ids.contains(&c.id));
        self.cart = kept;
        if picked.is_empty() {
            return Err(invalid("none of `ids` is in the cart (购物车商品不存在)"));
        }
        let subs = picked
            .iter()
            .map(|c| {
                let f = |k: &str| c.fields.get(k).and_then(as_text).unwrap_or_default();
                let sku_id = f("skuId");
                TbSub {
                    id: String::new(),
                    item_id: f("itemId"),
                    price: c
                        .fields
                        .get("price")
                        .and_then(as_int)
                        .unwrap_or_else(|| self.sku_price(&sku_id)),
                    sku_id,
                    title: f("itemTitle"),
                    quantity: c.fields.get("quantity").and_then(as_int).unwrap_or(1),
                    refund_status: refund_status::NONE,
                }
            })
            .collect();
        Ok(self.tb_new_order(subs, None, now))
    }

    fn tb_order_mut(&mut self, p: &Params) -> Result<&mut TbOrder, Refusal> {
        let id = p
            .text("orderId")
            .or_else(|| p.text("purchaseOrderId"))
            .ok_or_else(|| invalid("missing parameter `orderId` (缺少参数)"))?;
        self.tb_orders
            .get_mut(&id)
            .ok_or_else(|| not_found("order", &id))
    }

    fn tb_pay(&mut self, p: &Params, now: u64) -> Result<Outcome, Refusal> {
        let order = self.tb_order_mut(p)?;
        match order.status {
            tb_status::WAIT_BUYER_PAY => {}
            tb_status::CANCEL => return Err(conflict("the order is cancelled (订单已取消)")),
            _ => return Err(conflict("the order is already paid (订单已支付)")),
        }
        order.status = tb_status::WAIT_SELLER_SEND_GOODS;
        order.paid_ms = Some(now);
        Ok(Outcome {
            data: json!({ "orderId": id_json(&order.id), "paySuccess": true }),
            pushes: vec![Push {
                message_type: "ORDER_PAY_SUCCESS",
                platform: TAOBAO,
                body: tb_message(order, "WAITING_FOR_SENT"),
            }],
        })
    }

    fn tb_cancel(&mut self, p: &Params, _now: u64) -> Result<Outcome, Refusal> {
        let order = self.tb_order_mut(p)?;
        match order.status {
            tb_status::WAIT_BUYER_PAY => {}
            tb_status::CANCEL => {
                return Err(conflict("the order is already cancelled (订单已取消)"));
            }
            _ => {
                return Err(conflict(
                    "a paid order is not cancelled: open a refund (订单已支付)",
                ));
            }
        }
        order.status = tb_status::CANCEL;
        Ok(Outcome {
            data: json!({ "orderId": id_json(&order.id), "cancelSuccess": true }),
            pushes: vec![Push {
                message_type: "ORDER_CANCEL",
                platform: TAOBAO,
                body: tb_message(order, "CANCEL"),
            }],
        })
    }

    fn tb_order(&mut self, p: &Params) -> Result<Value, Refusal> {
        Ok(tb_order_json(self.tb_order_mut(p)?))
    }

    fn tb_order_page(&self, p: &Params) -> Value {
        let list: Vec<Value> = self.tb_orders.values().map(tb_order_json).collect();
        page(list, p)
    }

    fn find_sub(&self, sub_id: &str) -> Result<(&TbOrder, &TbSub), Refusal> {
        self.tb_orders
            .values()
            .find_map(|o| o.subs.iter().find(|s| s.id == sub_id).map(|s| (o, s)))
            .ok_or_else(|| not_found("sub-order", sub_id))
    }

    fn tb_logistics(&self, p: &Params) -> Result<Value, Refusal> {
        let sub_id = p.required("subPurchaseOrderId")?;
        let (order, sub) = self.find_sub(&sub_id)?;
        let Some(paid) = order.paid_ms else {
            return Err(conflict(
                "the order is not paid: nothing is shipped (订单未支付)",
            ));
        };
        Ok(json!({
            "purchaseOrderOuterId": order.id,
            "pnmLogisticsDetails": [{
                "mailNo": format!("SB{}", &sub.id[sub.id.len().saturating_sub(12)..]),
                "logisticsTraces": [{
                    "statusDesc": "已揽收", "province": "浙江省", "city": "杭州市",
                    "district": "余杭区", "action": "GOT", "facilityName": "杭州",
                    "time": china_time(paid), "standerdDesc": "【杭州市】 快件已揽收",
                    "status": "ACCEPT", "nextCity": null, "nextNodeName": null
                }],
                "logisticsPartner": [{"company": "沙箱快递", "companyContact": "00000"}]
            }]
        }))
    }

    // --- Taobao after-sale -----------------------------------------------

    fn tb_refund_render(&self, p: &Params) -> Result<Value, Refusal> {
        let sub_id = p.required("subOrderId")?;
        let (order, sub) = self.find_sub(&sub_id)?;
        if order.paid_ms.is_none() {
            return Err(conflict(
                "the order is not paid: cancel it instead (订单未支付)",
            ));
        }
        let max = amount(sub.price, sub.quantity);
        Ok(json!({
            "currency": "CNY",
            "distributorId": self.user_id,
            "refundOrderTemplate": {
                "goodsStatusList": ["1", "2"],
                "refundTypeList": ["1", "2"],
                "maxRefundFee": {"canEditRefundFee": true, "feeTips": format!("最多可退{max}分"),
                                 "maxRefundFee": max, "minRefundFee": 1, "refundFee": max},
                "refundOrder": {"canEditFee": true, "goodsStatus": p.int("goodsStatus"),
                                "refundType": p.int("refundType"), "refundFee": max},
                "refundReasons": [
                    {"reasonDesc": "质量问题", "reasonId": 7, "tips": "请上传商品照片"},
                    {"reasonDesc": "不想要了", "reasonId": 8, "tips": ""}
                ]
            }
        }))
    }

    fn tb_refund_submit(&mut self, p: &Params) -> Result<Outcome, Refusal> {
        let sub_id = p.required("subOrderId")?;
        let (order, sub) = self.find_sub(&sub_id)?;
        if order.paid_ms.is_none() {
            return Err(conflict("the order is not paid (订单未支付)"));
        }
        if sub.refund_status == refund_status::APPLIED {
            return Err(conflict(
                "a refund is already open for this sub-order (退款中)",
            ));
        }
        let max = amount(sub.price, sub.quantity);
        let fee = p.int("refundFee").unwrap_or(max);
        if fee < 1 || fee > max {
            return Err(invalid(format!(
                "`refundFee` {fee} is outside 1..={max} (退款金额错误)"
            )));
        }
        let order_id = order.id.clone();
        let id = (110_002_685_700 + self.next()).to_string();
        self.set_refund_status(&sub_id, refund_status::APPLIED);
        keep(
            &mut self.tb_refunds,
            id.clone(),
            TbRefund {
                id: id.clone(),
                order_id: order_id.clone(),
                sub_order_id: sub_id,
                status: refund_status::APPLIED,
                refund_type: p.int("refundType").unwrap_or(1),
                goods_status: p.int("goodsStatus").unwrap_or(1),
                fee,
                reason_id: p.int("reasonId"),
                desc: p.text("refundDesc"),
                messages: Vec::new(),
            },
        );
        Ok(Outcome {
            data: json!({ "refundId": id }),
            pushes: vec![Push {
                message_type: "ORDER_BUYER_VIEW_ORDER_BUYER_REFUND",
                platform: TAOBAO,
                body: json!({ "refundId": id, "orderId": order_id }),
            }],
        })
    }

    fn set_refund_status(&mut self, sub_id: &str, status: i64) {
        for order in self.tb_orders.values_mut() {
            for sub in &mut order.subs {
                if sub.id == sub_id {
                    sub.refund_status = status;
                }
            }
        }
    }

    fn tb_refund_mut(&mut self, p: &Params) -> Result<&mut TbRefund, Refusal> {
        let id = p.required("refundId")?;
        self.tb_refunds
            .get_mut(&id)
            .ok_or_else(|| not_found("refund", &id))
    }

    fn tb_refund_message(&mut self, p: &Params) -> Result<Value, Refusal> {
        let text = p.text("refundMessage").unwrap_or_default();
        let refund = self.tb_refund_mut(p)?;
        refund.messages.push(text);
        Ok(json!({}))
    }

    fn tb_refund_cancel(&mut self, p: &Params, _now: u64) -> Result<Outcome, Refusal> {
        let refund = self.tb_refund_mut(p)?;
        if refund.status != refund_status::APPLIED {
            return Err(conflict("the refund is not open (退款单已关闭)"));
        }
        refund.status = refund_status::CLOSED;
        let (sub_id, order_id, id) = (
            refund.sub_order_id.clone(),
            refund.order_id.clone(),
            refund.id.clone(),
        );
        self.set_refund_status(&sub_id, refund_status::CLOSED);
        let data = json!({
            "cancelSuccess": true,
            "currency": "CNY",
            "distributorId": self.user_id,
            "refundOrderAggregate": self.refund_aggregate(&id),
        });
        Ok(Outcome {
            data,
            pushes: vec![Push {
                message_type: "ORDER_BUYER_VIEW_ORDER_BUYER_REFUND",
                platform: TAOBAO,
                body: json!({ "refundId": id, "orderId": order_id }),
            }],
        })
    }

    /// The refund and its order line, with the field names of the
    /// documented refund detail and cancellation answers.
    fn refund_aggregate(&self, refund_id: &str) -> Value {
        let Some(r) = self.tb_refunds.get(refund_id) else {
            return Value::Null;
        };
        let line = self.find_sub(&r.sub_order_id).ok().map(|(o, s)| {
            json!({
                "purchaseOrderId": id_json(&o.id),
                "purchaseOrderLineId": id_json(&s.id),
                "quantity": s.quantity,
                "price": s.price,
                "productFee": amount(s.price, s.quantity),
                "postFee": 0,
                "totalPrice": amount(s.price, s.quantity),
                "itemTitle": s.title,
                "currency": "CNY",
                "createTime": o.created_ms,
            })
        });
        json!({
            "refundOrder": {
                "refundId": r.id,
                "refundStatus": r.status.to_string(),
                "refundType": r.refund_type,
                "goodsStatus": r.goods_status,
                "refundFee": r.fee,
                "reasonId": r.reason_id,
                "refundDesc": r.desc,
            },
            "purchaseOrderLine": line,
        })
    }

    fn tb_refund_detail(&mut self, p: &Params) -> Result<Value, Refusal> {
        let id = self.tb_refund_mut(p)?.id.clone();
        Ok(json!({
            "currency": "CNY",
            "distributorId": self.user_id,
            "refundOrderAggregate": self.refund_aggregate(&id),
        }))
    }

    fn tb_refund_list(&self, p: &Params) -> Value {
        let status = p.int("refundStatus");
        let list = self
            .tb_refunds
            .values()
            .filter(|r| status.is_none_or(|s| s == r.status))
            .map(|r| self.refund_aggregate(&r.id))
            .collect();
        page(list, p)
    }

    // --- 1688 --------------------------------------------------------------

    fn al_product(&self, p: &Params) -> Result<Value, Refusal> {
        let offer = p
            .get("offerId")
            .or_else(|| p.get("offerMapId"))
            .cloned()
            .ok_or_else(|| invalid("missing parameter `offerId` (缺少参数)"))?;
        Ok(json!({
            "offerId": offer,
            "subject": "沙箱商品 (sandbox product)",
            "productSkuInfos": [
                {"skuId": 5_736_673_805_656u64, "specId": "e61a85a671bb3d0301d0412b51641c6b",
                 "price": format!("{AL_PRICE:.2}"), "amountOnSale": 100}
            ]
        }))
    }

    fn al_lines(p: &Params) -> Result<Vec<AlLine>, Refusal> {
        let lines = p.list("cargoParamList")?;
        if lines.is_empty() {
            return Err(invalid("`cargoParamList` is empty (商品为空)"));
        }
        lines
            .iter()
            .map(|l| {
                let quantity = l.get("quantity").and_then(as_int).unwrap_or(0);
                if quantity < 1 {
                    return Err(invalid("a cargo line's `quantity` must be at least 1"));
                }
                Ok(AlLine {
                    offer: l
                        .get("offerId")
                        .or_else(|| l.get("offerMapId"))
                        .cloned()
                        .ok_or_else(|| invalid("a cargo line has no `offerId`"))?,
                    spec_id: l.get("specId").and_then(as_text).unwrap_or_default(),
                    quantity,
                    price: AL_PRICE,
                    entry_id: String::new(),
                })
            })
            .collect()
    }

    fn al_preview(&self, p: &Params) -> Result<Value, Refusal> {
        let lines = Self::al_lines(p)?;
        let sum: f64 = lines.iter().map(|l| l.price * l.quantity as f64).sum();
        Ok(json!({
            "orderPreviewResuslt": [{
                "success": true,
                "status": true,
                "sumPayment": sum,
                "sumCarriage": 0,
                "sumPaymentNoCarriage": sum,
                "cargoList": lines.iter().map(|l| json!({
                    "offerId": l.offer, "specId": l.spec_id, "amount": l.price * l.quantity as f64,
                    "finalUnitPrice": l.price
                })).collect::<Vec<_>>()
            }]
        }))
    }

    fn al_create(&mut self, p: &Params, now: u64) -> Result<Outcome, Refusal> {
        let mut lines = Self::al_lines(p)?;
        for l in &mut lines {
            l.entry_id = (128_403_042_259_997_000 + self.next()).to_string();
        }
        let id = (2_542_285_634_920_880_000 + self.next()).to_string();
        let order = AlOrder {
            id: id.clone(),
            status: "waitbuyerpay",
            lines,
            address: p.object("addressParam").unwrap_or(Value::Null),
            created_ms: now,
            paid_ms: None,
        };
        let data = json!([al_order_json(&order)]);
        let push = Push {
            message_type: "ORDER_CREATE",
            platform: ALI1688,
            body: al_message(&order, "WAITING_FOR_PAYMENT"),
        };
        keep(&mut self.al_orders, id, order);
        Ok(Outcome {
            data,
            pushes: vec![push],
        })
    }

    fn al_order_mut(&mut self, id: &str) -> Result<&mut AlOrder, Refusal> {
        self.al_orders
            .get_mut(id)
            .ok_or_else(|| not_found("order", id))
    }

    fn al_cancel(&mut self, p: &Params, _now: u64) -> Result<Outcome, Refusal> {
        let order = self.al_order_mut(&p.required("orderId")?)?;
        match order.status {
            "waitbuyerpay" => {}
            "cancel" => return Err(conflict("the order is already cancelled (订单已取消)")),
            _ => {
                return Err(conflict(
                    "a paid order is not cancelled: open a refund (订单已支付)",
                ));
            }
        }
        order.status = "cancel";
        Ok(Outcome {
            data: Value::Bool(true),
            pushes: vec![Push {
                message_type: "ORDER_CANCEL",
                platform: ALI1688,
                body: al_message(order, "CANCEL"),
            }],
        })
    }

    fn al_pay_url(&mut self, p: &Params) -> Result<Value, Refusal> {
        let base = self.base_url.clone();
        let order = self.al_order_mut(&p.required("orderId")?)?;
        if order.status == "cancel" {
            return Err(conflict("the order is cancelled (订单已取消)"));
        }
        Ok(json!({
            "orderId": id_json(&order.id),
            "protocolPaySuccess": false,
            "payUrl": format!("{base}{}{}", super::CASHIER_PREFIX, order.id),
            "cantPayOrderList": [],
        }))
    }

    /// Marks a 1688 order paid: its cashier page was opened, or it was
    /// submitted to protocol payment.
    pub(crate) fn al_pay(&mut self, id: &str, now: u64) -> Result<Outcome, Refusal> {
        let order = self.al_order_mut(id)?;
        match order.status {
            "waitbuyerpay" => {}
            "cancel" => return Err(conflict("the order is cancelled (订单已取消)")),
            _ => return Err(conflict("the order is already paid (订单已支付)")),
        }
        order.status = "waitsellersend";
        order.paid_ms = Some(now);
        Ok(Outcome {
            data: json!({ "orderId": id_json(&order.id), "paySuccess": true }),
            pushes: vec![Push {
                message_type: "ORDER_PAY_SUCCESS",
                platform: ALI1688,
                body: al_message(order, "WAITING_FOR_SENT"),
            }],
        })
    }

    fn al_submit_to_pay(&mut self, p: &Params, now: u64) -> Result<Outcome, Refusal> {
        let ids: Vec<String> = p.list("orderIds")?.iter().filter_map(as_text).collect();
        let (mut paid, mut failed, mut pushes) = (Vec::new(), Vec::new(), Vec::new());
        for id in ids {
            match self.al_pay(&id, now) {
                Ok(o) => {
                    paid.push(id_json(&id));
                    pushes.extend(o.pushes);
                }
                Err(e) => failed.push(json!({ "orderId": id_json(&id), "reason": e.msg })),
            }
        }
        Ok(Outcome {
            data: json!({ "paySuccessOrderList": paid, "payFailureOrderList": failed }),
            pushes,
        })
    }

    fn al_receive(&mut self, p: &Params) -> Result<Value, Refusal> {
        let order = self.al_order_mut(&p.required("orderId")?)?;
        if order.paid_ms.is_none() {
            return Err(conflict("the order is not paid (订单未支付)"));
        }
        order.status = "success";
        Ok(json!({ "success": true }))
    }

    fn al_order(&mut self, p: &Params) -> Result<Value, Refusal> {
        Ok(al_order_json(self.al_order_mut(&p.required("orderId")?)?))
    }

    fn al_order_page(&self, p: &Params) -> Value {
        page(self.al_orders.values().map(al_order_json).collect(), p)
    }

    fn al_refund_create(&mut self, p: &Params, now: u64) -> Result<Outcome, Refusal> {
        let order_id = p.required("orderId")?;
        let order = self.al_order_mut(&order_id)?;
        if order.paid_ms.is_none() {
            return Err(conflict(
                "the order is not paid: cancel it instead (订单未支付)",
            ));
        }
        // The amounts are integers (INFERRED fen, as the SDK types them).
        let max = (order.total() * 100.0).round() as i64;
        let apply_payment = p.int("applyPayment").unwrap_or(max);
        if apply_payment < 0 || apply_payment > max {
            return Err(invalid(format!(
                "`applyPayment` {apply_payment} is outside 0..={max} (退款金额错误)"
            )));
        }
        order.status = "waitsellersend";
        let id = format!("TQ{}", 7_257_793_022_991_500 + self.next());
        let refund = AlRefund {
            id: id.clone(),
            order_id,
            status: "waitselleragree",
            apply_payment,
            apply_carriage: p.int("applyCarriage").unwrap_or(0),
            reason_id: p.int("applyReasonId"),
            entry_ids: p.list("orderEntryIds").unwrap_or_default(),
            created_ms: now,
        };
        let body = al_refund_json(&refund);
        keep(&mut self.al_refunds, id.clone(), refund);
        Ok(Outcome {
            data: json!({ "refundId": id }),
            pushes: vec![Push {
                message_type: "ORDER_BUYER_VIEW_ORDER_BUYER_REFUND",
                platform: ALI1688,
                body,
            }],
        })
    }

    fn al_refund_info(&self, p: &Params) -> Result<Value, Refusal> {
        let id = p.required("refundId")?;
        self.al_refunds
            .get(&id)
            .map(al_refund_json)
            .ok_or_else(|| not_found("refund", &id))
    }
}

/// Inserts into a bounded map, forgetting the oldest entries past
/// [`MAX_KEPT`].
fn keep<V>(map: &mut BTreeMap<String, V>, id: String, value: V) {
    while map.len() >= MAX_KEPT && !map.contains_key(&id) {
        map.pop_first();
    }
    map.insert(id, value);
}

/// Price times quantity, both from requests: saturating, never an overflow
/// (a panic in debug builds) on numbers like `i64::MAX`.
fn amount(price: i64, quantity: i64) -> i64 {
    price.saturating_mul(quantity)
}

/// A page of a list, by the request's `pageNo`/`pageSize` (or 1688's
/// `beginPage`). The list's field names are the sandbox's own: the docs
/// show none for these lists.
fn page(list: Vec<Value>, p: &Params) -> Value {
    let no = p
        .int("pageNo")
        .or_else(|| p.int("beginPage"))
        .unwrap_or(1)
        .max(1);
    let size = p.int("pageSize").unwrap_or(20).clamp(1, 200);
    let total = list.len();
    let skip = usize::try_from((no - 1).saturating_mul(size)).unwrap_or(usize::MAX);
    let items: Vec<Value> = list
        .into_iter()
        .skip(skip)
        .take(usize::try_from(size).unwrap_or(20))
        .collect();
    json!({ "total": total, "pageNo": no, "pageSize": size, "list": items })
}

/// A 1688 keyword, image or shop search: one offer on the first page, in the
/// documented page shape (`totalRecords`, `data`).
fn al_search(p: &Params) -> Value {
    let page_no = p.int("beginPage").unwrap_or(1).max(1);
    let size = p.int("pageSize").unwrap_or(20);
    let data = if page_no == 1 {
        json!([{"offerId": 743_470_146_022u64, "subject": "沙箱商品 (sandbox product)",
                "subjectTrans": "sandbox product",
                "imageUrl": "https://cbu01.alicdn.com/img/ibank/sandbox.jpg",
                "priceInfo": {"price": format!("{AL_PRICE:.2}")},
                "monthSold": 0, "repurchaseRate": "0"}])
    } else {
        json!([])
    };
    json!({ "totalRecords": 1, "totalPage": 1, "pageSize": size, "currentPage": page_no, "data": data })
}

/// The order-status message body (`docs/platform.md` §4): amounts in fen, China
/// time.
fn status_message(
    id: &str,
    order_no: &str,
    status: &str,
    total_fen: i64,
    created: u64,
    paid: Option<u64>,
) -> Value {
    json!({
        "orderId": id,
        "orderNo": order_no,
        "orderStatus": status,
        "totalAmount": total_fen,
        "shippingFee": 0,
        "productAmount": total_fen,
        "refundAmount": 0,
        "refundStatus": null,
        "closeReason": null,
        "tbCreateTime": china_time(created),
        "payTime": paid.map(china_time),
    })
}

fn tb_message(o: &TbOrder, status: &str) -> Value {
    status_message(
        &o.id,
        &o.order_no,
        status,
        o.total(),
        o.created_ms,
        o.paid_ms,
    )
}

fn al_message(o: &AlOrder, status: &str) -> Value {
    let fen = (o.total() * 100.0).round() as i64;
    status_message(&o.id, &o.id, status, fen, o.created_ms, o.paid_ms)
}

/// A Taobao order as the sandbox's order detail answers it (a shape of the
/// sandbox's own, flagged invented). Its keys are camelCase throughout, the
/// platform's convention for answers: the one documented Taobao sub-order
/// object (the price-change message's `subOrders`) is snake_case, but that is
/// a push, and no page shows an answer's sub-orders, so the sandbox does not
/// copy that drift into an answer (a test would learn a mixed shape from it).
fn tb_order_json(o: &TbOrder) -> Value {
    json!({
        "purchaseOrderId": id_json(&o.id),
        "orderNo": o.order_no,
        "status": o.status,
        "purchaseAmount": o.total(),
        "sellerOrderNumber": o.seller_order_number,
        "createTime": o.created_ms,
        "payTime": o.paid_ms,
        "subOrders": o.subs.iter().map(|s| json!({
            "subPurchaseOrderId": id_json(&s.id),
            "itemMapId": s.item_id,
            "skuId": s.sku_id,
            "title": s.title,
            "quantity": s.quantity,
            "status": if o.paid_ms.is_some() { "WAIT_SELLER_SEND_GOODS" } else { "WAIT_BUYER_PAY" },
            "refundStatus": s.refund_status,
            "purchaseAmount": amount(s.price, s.quantity),
            "purchaseCurrency": "CNY",
        })).collect::<Vec<_>>(),
    })
}

/// A 1688 time: `yyyyMMddHHmmssSSS+0800`.
fn ali_time(ms: u64) -> String {
    let t = china_time(ms);
    format!("{}{:03}+0800", t.replace(['-', ' ', ':'], ""), ms % 1000)
}

/// A 1688 order in the documented order model (`baseInfo`,
/// `nativeLogistics`, `productItems`).
fn al_order_json(o: &AlOrder) -> Value {
    let addr = |k: &str| o.address.get(k).cloned().unwrap_or(Value::Null);
    json!({
        "baseInfo": {
            "id": id_json(&o.id),
            "idOfStr": o.id,
            "status": o.status,
            "totalAmount": o.total(),
            "sumProductPayment": o.total(),
            "shippingFee": 0,
            "createTime": ali_time(o.created_ms),
            "payTime": o.paid_ms.map(ali_time),
            "businessType": "cn",
        },
        "nativeLogistics": {
            "address": addr("address"), "city": addr("cityText"), "province": addr("provinceText"),
            "area": addr("areaText"), "contactPerson": addr("fullName"), "mobile": addr("mobile"),
            "zip": addr("postCode"),
        },
        "productItems": o.lines.iter().map(|l| json!({
            "productID": l.offer,
            "specId": l.spec_id,
            "quantity": l.quantity,
            "price": l.price,
            "itemAmount": l.price * l.quantity as f64,
            "name": "沙箱商品 (sandbox product)",
            "status": o.status,
            "subItemID": id_json(&l.entry_id),
            "subItemIDString": l.entry_id,
        })).collect::<Vec<_>>(),
    })
}

/// A 1688 refund record, with the field names and types of the documented
/// refund message (`callbacks/1688-order-buyer-refund.json`). The request's
/// `disputeRequest` and `goodsStatus` are strings while the message's are
/// integers, and no page maps one to the other, so they are left out.
fn al_refund_json(r: &AlRefund) -> Value {
    json!({
        "refundId": r.id,
        "orderId": id_json(&r.order_id),
        "status": r.status,
        "applyPayment": r.apply_payment,
        "applyCarriage": r.apply_carriage,
        "applyReasonId": r.reason_id,
        "orderEntryIdList": r.entry_ids,
        "gmtApply": r.created_ms,
        "gmtCreate": r.created_ms,
    })
}

#[cfg(test)]
mod budget_tests {
    use super::*;

    #[test]
    fn kept_state_is_bounded_oldest_first() {
        let mut m = BTreeMap::new();
        for i in 0..MAX_KEPT + 5 {
            keep(&mut m, format!("{i:08}"), i);
        }
        assert_eq!(m.len(), MAX_KEPT);
        assert!(!m.contains_key("00000004"));
        assert!(m.contains_key("00000005"));
        // Replacing a kept id evicts nothing.
        keep(&mut m, "00000005".to_owned(), 0);
        assert_eq!(m.len(), MAX_KEPT);
        assert!(m.contains_key("00000006"));
    }

    #[test]
    fn amounts_saturate() {
        assert_eq!(amount(i64::MAX, i64::MAX), i64::MAX);
        assert_eq!(amount(-2, i64::MAX), i64::MIN);
        assert_eq!(amount(3, 4), 12);
    }
}

/// Invented shapes use the platform's camelCase (issue 27, part 5): every
/// stateful answer of [`INVENTED_SHAPES`](crate::INVENTED_SHAPES) is made,
/// through a whole Taobao and 1688 flow, and walked; no object of it may
/// hold a snake_case key.
#[cfg(test)]
mod casing_tests {
    use super::*;

    /// The keys of `v` (nested) with an underscore, with their pointers.
    /// `skip` names subtrees that echo the caller's own request fields.
    fn snake_keys(v: &Value, at: &str, skip: &[&str], out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, child) in m {
                    let here = format!("{at}/{k}");
                    if k.contains('_') {
                        out.push(here.clone());
                    }
                    if !skip.contains(&k.as_str()) {
                        snake_keys(child, &here, skip, out);
                    }
                }
            }
            Value::Array(a) => {
                for (i, child) in a.iter().enumerate() {
                    snake_keys(child, &format!("{at}/{i}"), skip, out);
                }
            }
            _ => {}
        }
    }

    fn params(v: Value) -> Params {
        Params::new(&[], Some(&v), &[])
    }

    #[test]
    fn every_invented_answer_is_camel_case() {
        let mut state = State::new(
            "2100007341207",
            "http://127.0.0.1:1",
            crate::sample_data("TB-P8"),
        );
        let now = 1_715_669_977_082;
        let mut answers: Vec<(&str, Value)> = Vec::new();
        let mut call = |state: &mut State, id: &'static str, p: Value| -> Value {
            let out = state
                .handle(id, &params(p), now)
                .unwrap_or_else(|| panic!("{id} is stateful"))
                .unwrap_or_else(|r| panic!("{id}: {}", r.msg));
            answers.push((id, out.data.clone()));
            out.data
        };
        let line = json!([{"itemId": "672991141190", "skuId": "3452545926724", "quantity": 1}]);
        let cart = call(
            &mut state,
            "TB-C2",
            json!({"itemId": "672991141190", "skuId": "3452545926724", "quantity": 1}),
        );
        call(&mut state, "TB-C1", json!({}));
        call(&mut state, "TB-C3", json!({"ids": [cart["id"]]}));
        let cart = call(
            &mut state,
            "TB-C2",
            json!({"itemId": "672991141190", "skuId": "3452545926724", "quantity": 1}),
        );
        call(&mut state, "TB-C6", json!({"ids": [cart["id"]]}));
        for id in ["TB-O4", "TB-O6", "TB-C5"] {
            call(&mut state, id, json!({"orderLineList": line}));
        }
        call(&mut state, "TB-O5", json!({"orderLineList": line}));
        let unpaid = call(&mut state, "TB-O7", json!({"orderLineList": line}));
        call(&mut state, "TB-O10", json!({"orderId": unpaid["orderId"]}));
        let unpaid = call(&mut state, "TB-O7", json!({"orderLineList": line}));
        call(&mut state, "TB-O2", json!({"orderId": unpaid["orderId"]}));
        let paid = call(&mut state, "TB-O7", json!({"orderLineList": line}));
        call(&mut state, "TB-O12", json!({"orderId": paid["orderId"]}));
        let other = call(&mut state, "TB-O7", json!({"orderLineList": line}));
        call(&mut state, "TB-O3", json!({"orderId": other["orderId"]}));
        let detail = call(&mut state, "TB-O14", json!({"orderId": paid["orderId"]}));
        let sub = detail["subOrders"][0]["subPurchaseOrderId"].clone();
        assert!(
            !sub.is_null(),
            "the sub-order id reads as subPurchaseOrderId: {detail}"
        );
        call(&mut state, "TB-O8", json!({}));
        call(&mut state, "TB-O1", json!({}));
        call(
            &mut state,
            "TB-A7",
            json!({"subOrderId": sub, "refundType": 1, "goodsStatus": 1}),
        );
        call(&mut state, "TB-A1", json!({}));
        call(&mut state, "TB-P5b", json!({"keyword": "x"}));
        let created = call(
            &mut state,
            "AL-O3",
            json!({
                "cargoParamList": [{"offerId": 610947572360u64, "specId": "b266e0726506185beaa205cbae88a101", "quantity": 1}],
                "addressParam": {"fullName": "x", "mobile": "1", "provinceText": "p", "cityText": "c", "address": "a"},
            }),
        );
        let al_id = created[0]["baseInfo"]["idOfStr"].clone();
        call(&mut state, "AL-O8", json!({"orderIds": [al_id]}));
        call(&mut state, "AL-O10", json!({}));

        let mut missing = Vec::new();
        for (id, _) in crate::INVENTED_SHAPES {
            if !answers.iter().any(|(a, _)| a == id) {
                missing.push(*id);
            }
        }
        assert!(
            missing.is_empty(),
            "invented answers not walked: {missing:?}"
        );
        let mut bad = Vec::new();
        for (id, data) in &answers {
            if crate::shape::state_source(id).is_invented() {
                snake_keys(data, id, &[], &mut bad);
            }
        }
        assert!(
            bad.is_empty(),
            "snake_case keys in invented answers: {bad:?}"
        );
    }

    /// The walk finds what it looks for.
    #[test]
    fn the_walk_sees_nested_snake_keys() {
        let mut bad = Vec::new();
        snake_keys(&json!({"a": [{"bC": 1, "d_e": 2}]}), "X", &[], &mut bad);
        assert_eq!(bad, ["X/a/0/d_e"]);
    }
}
