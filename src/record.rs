//! Recorded exchanges: what [`ClientBuilder::record_to`](crate::ClientBuilder::record_to)
//! (and `xportcn call --record DIR`) writes, what
//! `xportcn_sandbox::SandboxBuilder::replay_from` (package `xportcn-sandbox`)
//! answers with, and what [`codegen::generate`](crate::codegen::generate)
//! (`xportcn model`) types.
//!
//! Half of the platform's response schemas are on no doc page: a user's own
//! traffic is where they are seen. One file holds one exchange, as JSON:
//!
//! ```json
//! {
//!   "format": "xportcn-exchange/1",
//!   "endpoint": "TB-P8",
//!   "method": "GET",
//!   "path": "/open/product/get",
//!   "query": {"itemId": "672991141190"},
//!   "request": null,
//!   "status": 200,
//!   "response": {"code": 200, "msg": "成功", "data": {"itemId": 672991141190}}
//! }
//! ```
//!
//! # What is never written
//! - **By construction**: the access key, the secret, the signature, the
//!   nonce, the timestamp and the user id travel in headers (or, for
//!   warehouse logistics, in query pairs added at signing). The record is
//!   built from the request *before* it is signed (method, path, query,
//!   body), so none of them is in it. As a second line, any string equal to
//!   the access key, the user id or the secret is replaced wherever it
//!   appears.
//! - **Anything not known to be safe**: redaction fails closed. A value is
//!   kept only under a key of [`SAFE_KEYS`] (ids of items, SKUs and orders,
//!   amounts and prices, statuses, times, quantities; the envelope's own
//!   `code` and `msg`): every other string and number, in the query, the
//!   request and the response, at any depth, also inside JSON encoded in a
//!   string (the platform's `receiver`, `messageBody`), is replaced by a
//!   placeholder of its type ([`redact`]). Names, phones, addresses, ID
//!   numbers, buyer and seller account ids, free text: whether a key is
//!   known to be personal or is new, its value is not written. Shapes stay,
//!   so a model can still be generated from a recording. An answer that is
//!   not JSON (an HTML error page) is written as its length only.
//!
//! A recording is therefore safe to share (in a team's `recordings/`, a bug
//! report, a pull request) as far as the values go: see RELIABILITY.md
//! ("Recordings and generated models") for what it can and cannot carry.
//!
//! Numbers are kept as `serde_json` reads them: integers exactly (ids up to
//! 2^64), decimals as their shortest `f64` text.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::credentials::Credentials;
use crate::error::Error;

/// The `format` of an exchange file this version writes and reads.
pub const FORMAT: &str = "xportcn-exchange/1";

/// What a redacted string becomes.
pub const REDACTED: &str = "<redacted>";

/// Keys whose values a recording keeps: everything else is redacted
/// ([`redact`]). Written as [`normalize_key`] gives them (lower case, no `_`
/// or `-`, fullwidth ASCII folded), and a key is safe only when its
/// normalized form is on this list: nothing is kept for looking harmless.
/// The list holds what a model needs to be checked against, and nothing that
/// names, reaches or identifies a person:
///
/// - **Ids of items, SKUs, orders** (and of their lines, refunds, logistics
///   entries, categories): numbers the platform gives to goods and trades.
///   They name a thing or a transaction, not a person, and a model keeps
///   every digit of them ([`Id`](crate::types::Id)). Buyer and seller account
///   ids (`buyerID`, `buyerUserId`, `sellerLoginId`, `sellerAlipayId`,
///   `sellerID`…) are *not* here: they identify people.
/// - **Amounts and prices**: what goods and shipping cost, in the platform's
///   units. A price says nothing about who paid it.
/// - **Statuses, kinds and units**: values of the platform's enums
///   (`waitbuyerreceive`, `common`, `CNY`): the same for every buyer.
/// - **Times**: when an order was created, paid, shipped, changed. Dates of a
///   trade, not of a person (a `birthday` is not here).
/// - **Quantities and paging**: counts of goods, pages and totals.
///
/// Two more kinds of value are kept wherever they are: booleans (a yes or no
/// says nothing about a person, and a model needs to see them as `bool`)
/// and `null`. The envelope's own `code`, `msg`, `message`, `success` and
/// `requestId` are kept at its top level only ([`SAFE_ENVELOPE_KEYS`]): a
/// `message` further down is 1688's buyer's note, free text.
pub const SAFE_KEYS: &[&str] = &[
    // Ids of items, SKUs, orders, their lines, refunds, logistics entries.
    "id",
    "ids",
    "idofstr",
    "itemid",
    "itemids",
    "numiid",
    "skuid",
    "skuids",
    "specid",
    "offerid",
    "offerids",
    "productid",
    "productids",
    "mpid",
    "mpskuid",
    "categoryid",
    "orderid",
    "orderids",
    "orderno",
    "outorderno",
    "suborderid",
    "parentorderid",
    "subitemid",
    "subitemids",
    "subitemidstring",
    "tradeid",
    "refundid",
    "refundids",
    "cartid",
    "logisticsid",
    // Amounts and prices.
    "price",
    "prices",
    "amount",
    "totalamount",
    "itemamount",
    "sumproductpayment",
    "shippingfee",
    "postfee",
    "discount",
    "entrydiscount",
    "refund",
    "refundpayment",
    "refundamount",
    "payment",
    "totalprice",
    "saleprice",
    "originalprice",
    "promotionprice",
    "unitprice",
    "phasamount",
    "payamount",
    "paidamount",
    "fee",
    "freight",
    // Statuses, kinds and units.
    "status",
    "statusstr",
    "orderstatus",
    "refundstatus",
    "tradestatus",
    "logisticsstatus",
    "paystatus",
    "buyerratestatus",
    "sellerratestatus",
    "state",
    "type",
    "tradetype",
    "businesstype",
    "itemtype",
    "unit",
    "productunit",
    "currency",
    // Times of the trade.
    "createtime",
    "modifytime",
    "updatetime",
    "paytime",
    "completetime",
    "receivingtime",
    "deliveredtime",
    "alldeliveredtime",
    "gmtcreate",
    "gmtmodified",
    "gmtpayment",
    "gmtcompleted",
    "gmtpayexpiretime",
    "starttime",
    "endtime",
    "expiretime",
    // Quantities and paging.
    "quantity",
    "quantityfactor",
    "qty",
    "num",
    "count",
    "stock",
    "total",
    "totalcount",
    "totalrecord",
    "beginamount",
    "phase",
    "page",
    "pageno",
    "pagenum",
    "pagesize",
];

/// The envelope's keys kept at its top level only (the value [`redact`] is
/// given, when it is an envelope `{code, msg|data}`): the platform's answer
/// code and message, its success flag and request id, which say how the call
/// went and nothing about a person. Normalized like [`SAFE_KEYS`].
pub const SAFE_ENVELOPE_KEYS: &[&str] = &["code", "msg", "message", "success", "requestid"];

/// A key as [`SAFE_KEYS`] holds it: fullwidth ASCII (`ｐｈｏｎｅ`, U+FF01 to
/// U+FF5E) folded to ASCII, lower case, `_` and `-` dropped.
///
/// ```
/// use xportcn::record::normalize_key;
/// assert_eq!(normalize_key("Sub_Item-ID"), "subitemid");
/// assert_eq!(normalize_key("ｉｔｅｍＩｄ"), "itemid");
/// ```
pub fn normalize_key(key: &str) -> String {
    key.chars()
        .map(|c| match u32::from(c) {
            // Fullwidth ASCII: the same offset from `!`.
            cp @ 0xFF01..=0xFF5E => char::from_u32(cp - 0xFF01 + 0x21).unwrap_or(c),
            // The ideographic space.
            0x3000 => ' ',
            _ => c,
        })
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether a recording keeps the value under `key` ([`SAFE_KEYS`], after
/// [`normalize_key`]): everything else is redacted.
///
/// ```
/// use xportcn::record::is_safe_key;
/// assert!(is_safe_key("itemId") && is_safe_key("total_amount") && is_safe_key("gmtCreate"));
/// assert!(!is_safe_key("buyerID") && !is_safe_key("receiverName") && !is_safe_key("ｐｈｏｎｅ"));
/// assert!(!is_safe_key("message"), "only the envelope's own message is kept");
/// ```
pub fn is_safe_key(key: &str) -> bool {
    SAFE_KEYS.contains(&normalize_key(key).as_str())
}

/// Keys known to hold personal data (names, phones, addresses, ID numbers,
/// e-mails, postcodes, account ids), compared after [`normalize_key`]. Kept
/// as the reference a test checks [`SAFE_KEYS`] against: redaction no
/// longer needs it, as it keeps only [`SAFE_KEYS`] ([`redact`] fails
/// closed). With [`PERSONAL_KEY_PARTS`], read by [`is_personal_key`].
pub const PERSONAL_KEYS: &[&str] = &[
    "name",
    "fullname",
    "tofullname",
    "realname",
    "username",
    "nickname",
    "nick",
    "buyernick",
    "buyername",
    "sellernickname",
    "linkman",
    "tel",
    "telephone",
    "fax",
    "province",
    "provincetext",
    "city",
    "citytext",
    "area",
    "areatext",
    "areacode",
    "district",
    "town",
    "towntext",
    "towncode",
    "county",
    "street",
    "topost",
    "toarea",
    "postcode",
    "zip",
    "zipcode",
    "idno",
    "certno",
    "passport",
    "buyerid",
    "buyeruserid",
    "buyerloginid",
    "buyeralipayid",
    "sellerid",
    "selleruserid",
    "sellerloginid",
    "selleralipayid",
    "operatorloginid",
];

/// Parts of keys known to hold personal data: a key (after
/// [`normalize_key`]) that contains one of these is personal
/// (`mobilePhone`, `buyerPhone`, `receiverInfo`, `consigneeName`,
/// `sellerContact`, `idCardNo`, `email`). A reference, like
/// [`PERSONAL_KEYS`].
pub const PERSONAL_KEY_PARTS: &[&str] = &[
    "phone",
    "mobile",
    "address",
    "receiver",
    "consignee",
    "contact",
    "idcard",
    "idnumber",
    "identity",
    "email",
];

/// Whether `key` is known to hold personal data ([`PERSONAL_KEYS`],
/// [`PERSONAL_KEY_PARTS`]). Redaction does not depend on it: a key that is
/// not [safe](is_safe_key) is redacted whether it is known or not.
///
/// ```
/// use xportcn::record::is_personal_key;
/// assert!(is_personal_key("receiverName"));
/// assert!(is_personal_key("mobile_phone"));
/// assert!(is_personal_key("fullAddress"));
/// assert!(!is_personal_key("itemId"));
/// assert!(!is_personal_key("propName"));
/// ```
pub fn is_personal_key(key: &str) -> bool {
    let norm = normalize_key(key);
    PERSONAL_KEYS.contains(&norm.as_str()) || PERSONAL_KEY_PARTS.iter().any(|p| norm.contains(p))
}

/// What a redacted integer at or beyond 2^53 becomes: still beyond 2^53, so
/// a model generated from the recording still types it
/// [`Id`](crate::types::Id), and the same for every recording.
pub const REDACTED_BIG_INTEGER: u64 = (1 << 53) + 1;

/// Redacts a JSON value in place, failing closed: every string and number
/// is replaced unless it sits under a [safe key](SAFE_KEYS) (or is one of
/// the envelope's own [`SAFE_ENVELOPE_KEYS`] at its top level), at any
/// depth, also inside JSON encoded in a string (the platform's `receiver`,
/// `messageBody`: redacted inside and encoded again). Booleans and `null`
/// stay.
///
/// Shapes stay, so a model can still be generated from a recording: objects
/// keep their keys, lists their length, and each value its JSON type: a
/// non-empty string becomes [`REDACTED`], an integer `0` (or
/// [`REDACTED_BIG_INTEGER`] beyond 2^53), a decimal `0.0`. A list directly
/// under a safe key keeps its plain values; an object under one has its own
/// keys checked.
///
/// ```
/// use serde_json::json;
/// let mut v = json!({"code": 200, "msg": "ok", "data": {
///     "orderId": 1, "receiver": "{\"name\":\"张三\",\"mobile\":\"13800138000\"}",
///     "buyerUserId": 2248544159_u64, "remark": "call 13800138000",
///     "list": [{"phone": 13800138000_u64, "qty": 2, "price": 6.15}]}});
/// xportcn::record::redact(&mut v);
/// let text = v.to_string();
/// assert!(!text.contains("张三") && !text.contains("13800138000") && !text.contains("2248544159"));
/// assert_eq!(v["data"]["list"][0]["qty"], 2);
/// assert_eq!(v["data"]["list"][0]["price"], 6.15);
/// assert_eq!(v["data"]["list"][0]["phone"], 0);
/// assert_eq!(v["data"]["remark"], xportcn::record::REDACTED);
/// assert_eq!((&v["code"], &v["msg"]), (&json!(200), &json!("ok")));
/// ```
pub fn redact(value: &mut Value) {
    if envelope_data(value).is_some() {
        if let Value::Object(map) = value {
            for (k, v) in map.iter_mut() {
                let keep = SAFE_ENVELOPE_KEYS.contains(&normalize_key(k).as_str());
                if !(keep && !v.is_object() && !v.is_array()) {
                    redact_in(v, is_safe_key(k), 1);
                }
            }
        }
        return;
    }
    redact_in(value, false, 0);
}

/// Depth beyond which a value is redacted whole (a bound against hostile
/// nesting).
const MAX_DEPTH: usize = 64;

/// Redacts `value`, which sits under a safe key when `safe` (its plain
/// values, and those of lists under it, are kept).
fn redact_in(value: &mut Value, safe: bool, depth: usize) {
    if depth > MAX_DEPTH {
        *value = Value::String(REDACTED.to_owned());
        return;
    }
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                redact_in(v, is_safe_key(k), depth + 1);
            }
        }
        Value::Array(items) => {
            for v in items {
                redact_in(v, safe, depth + 1);
            }
        }
        Value::String(s) => {
            // JSON inside a string (`receiver`, `messageBody`): redact
            // inside it and encode it again, so its shape stays readable.
            let t = s.trim_start();
            let inner = (t.starts_with('{') || t.starts_with('['))
                .then(|| serde_json::from_str::<Value>(s).ok())
                .flatten();
            if let Some(mut inner) = inner {
                redact_in(&mut inner, safe, depth + 1);
                *s = inner.to_string();
                return;
            }
            if !safe && !s.is_empty() {
                *s = REDACTED.to_owned();
            }
        }
        Value::Number(n) if !safe => {
            *value = if n.is_f64() {
                Value::from(0.0)
            } else if n.as_i64().is_some_and(|i| i.unsigned_abs() < 1 << 53) {
                Value::from(0)
            } else {
                Value::from(REDACTED_BIG_INTEGER)
            };
        }
        _ => {}
    }
}

/// Replaces every string equal to (or containing) one of `secrets`, and
/// every number whose text equals one, at any depth.
fn scrub(value: &mut Value, secrets: &[&str]) {
    match value {
        Value::Object(map) => map.values_mut().for_each(|v| scrub(v, secrets)),
        Value::Array(items) => items.iter_mut().for_each(|v| scrub(v, secrets)),
        Value::String(s) if secrets.iter().any(|x| s.contains(x)) => {
            *s = REDACTED.to_owned();
        }
        Value::Number(n) => {
            let text = n.to_string();
            if secrets.iter().any(|x| *x == text) {
                *value = Value::String(REDACTED.to_owned());
            }
        }
        _ => {}
    }
}

/// One recorded exchange: a request as the SDK built it (unsigned) and the
/// answer it got. See the [module docs](self) for the file format and what
/// is redacted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Exchange {
    /// Always [`FORMAT`].
    pub format: String,
    /// The endpoint id (`TB-P8`); `None` for a call by path
    /// ([`Client::raw`](crate::Client::raw)).
    pub endpoint: Option<String>,
    /// `GET` or `POST`.
    pub method: String,
    /// The path below the base URL, without the query.
    pub path: String,
    /// The query's pairs, as an object of strings (a repeated name holds a
    /// list), if there was a query.
    #[serde(default)]
    pub query: Option<Value>,
    /// The JSON body sent, if any.
    #[serde(default)]
    pub request: Option<Value>,
    /// The HTTP status answered.
    pub status: u16,
    /// The body answered, when it was JSON (usually the `{code, msg, data}`
    /// envelope).
    #[serde(default)]
    pub response: Option<Value>,
    /// When the body answered was not JSON (an HTML error page): its size
    /// only, as `<redacted> (N bytes, not JSON)` (nothing in it is known to
    /// be safe to keep).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_text: Option<String>,
    /// When it was recorded, in milliseconds since the Unix epoch.
    #[serde(default)]
    pub recorded_at_ms: u64,
}

impl Exchange {
    /// An exchange from the request's unsigned parts and the answer, with
    /// personal data redacted.
    pub fn new(
        endpoint: Option<&str>,
        method: &str,
        path: &str,
        query: &str,
        body: Option<&[u8]>,
        status: u16,
        response: &[u8],
    ) -> Exchange {
        let query = (!query.is_empty()).then(|| query_object(query));
        let request = body.map(|b| {
            serde_json::from_slice(b)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(b).into_owned()))
        });
        let (response, response_text) = match serde_json::from_slice::<Value>(response) {
            Ok(v) => (Some(v), None),
            Err(_) => {
                // Not JSON: nothing tells a safe value from a personal one
                // there, so only its size is kept (fails closed).
                (
                    None,
                    Some(format!("{REDACTED} ({} bytes, not JSON)", response.len())),
                )
            }
        };
        let mut ex = Exchange {
            format: FORMAT.to_owned(),
            endpoint: endpoint.map(str::to_owned),
            method: method.to_owned(),
            path: path.to_owned(),
            query,
            request,
            status,
            response,
            response_text,
            recorded_at_ms: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
        };
        for v in [&mut ex.query, &mut ex.request, &mut ex.response]
            .into_iter()
            .flatten()
        {
            redact(v);
        }
        ex
    }

    /// The answer's `data` when the response is the platform's envelope
    /// (`{code, msg, data}`), else the whole JSON response.
    pub fn data(&self) -> Option<&Value> {
        let r = self.response.as_ref()?;
        Some(envelope_data(r).unwrap_or(r))
    }

    /// Reads one exchange file.
    ///
    /// At most [`MAX_FILE_BYTES`], and never through a symbolic link
    /// ([`read_bounded`]).
    ///
    /// # Errors
    /// [`Error::Config`] when the file cannot be read (see
    /// [`read_bounded`]) or is not an exchange.
    pub fn read(path: &Path) -> Result<Exchange, Error> {
        let text = read_bounded(path)?;
        Exchange::from_json(&text).map_err(|e| Error::Config(format!("{}: {e}", path.display())))
    }

    /// Reads an exchange from its JSON text.
    ///
    /// # Errors
    /// A message when the text is not an exchange of this [`FORMAT`].
    pub fn from_json(text: &str) -> Result<Exchange, String> {
        let ex: Exchange =
            serde_json::from_str(text).map_err(|e| format!("not a recorded exchange: {e}"))?;
        if ex.format != FORMAT {
            return Err(format!(
                "format {:?} is not {FORMAT:?}, the one this version reads",
                ex.format
            ));
        }
        Ok(ex)
    }

    /// Every exchange file (`*.json`) of a directory, in file-name order
    /// (which is recording order for one endpoint: see [`Recorder`]).
    ///
    /// # Errors
    /// [`Error::Config`] when the directory or a file cannot be read, or a
    /// `.json` file is not an exchange.
    pub fn read_dir(dir: &Path) -> Result<Vec<Exchange>, Error> {
        let entries = std::fs::read_dir(dir)
            .map_err(|e| Error::Config(format!("cannot read {}: {e}", dir.display())))?;
        // The entry's own type: a symbolic link is not followed (it is
        // refused by `read`, with its name).
        let mut paths: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| !t.is_dir()))
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        paths.sort();
        paths.iter().map(|p| Exchange::read(p)).collect()
    }
}

/// Largest recording or answer file the tools read (16 MiB):
/// [`Exchange::read`] (and so `sandbox --replay`) and `xportcn model` refuse
/// a bigger file with [`Error::Config`] before reading it. A recorded answer
/// is a page of an API's JSON; far bigger input is a mistake or an attack
/// (a million keys would make 75 MB of source).
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Reads a text file of at most [`MAX_FILE_BYTES`], never through a symbolic
/// link (`O_NOFOLLOW` on Unix; elsewhere the path's own metadata is checked
/// first), and only a regular file (not a FIFO or a device, which could
/// block or never end).
///
/// # Errors
/// [`Error::Config`] naming the file: it cannot be opened, is a symbolic
/// link, is not a regular file, is bigger than [`MAX_FILE_BYTES`], or is not
/// UTF-8.
pub fn read_bounded(path: &Path) -> Result<String, Error> {
    use std::io::Read;
    let fail = |why: String| Error::Config(format!("cannot read {}: {why}", path.display()));
    let link = std::fs::symlink_metadata(path).map_err(|e| fail(e.to_string()))?;
    if link.file_type().is_symlink() {
        return Err(fail(
            "it is a symbolic link, which is not followed: name the file itself".to_owned(),
        ));
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Not followed even if the path became a link since the check
        // (ELOOP), and no blocking on a FIFO planted meanwhile.
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|e| fail(e.to_string()))?;
    let meta = file.metadata().map_err(|e| fail(e.to_string()))?;
    if !meta.is_file() {
        return Err(fail("not a regular file".to_owned()));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(fail(format!(
            "{} bytes is more than the {MAX_FILE_BYTES} bytes (16 MiB) a recording or answer may have",
            meta.len()
        )));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    // Bounded again while reading: the file may grow meanwhile.
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| fail(e.to_string()))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(fail(format!(
            "more than the {MAX_FILE_BYTES} bytes (16 MiB) a recording or answer may have"
        )));
    }
    String::from_utf8(bytes).map_err(|e| fail(format!("not UTF-8 text: {e}")))
}

/// The `data` of an envelope: an object with `code` and `data` (or `msg`).
pub(crate) fn envelope_data(v: &Value) -> Option<&Value> {
    let o = v.as_object()?;
    if o.contains_key("code") && (o.contains_key("data") || o.contains_key("msg")) {
        Some(o.get("data").unwrap_or(&Value::Null))
    } else {
        None
    }
}

fn query_object(query: &str) -> Value {
    let mut map = Map::new();
    for (k, v) in url::form_urlencoded::parse(query.as_bytes()).into_owned() {
        match map.get_mut(&k) {
            None => {
                map.insert(k, Value::String(v));
            }
            Some(Value::Array(list)) => list.push(Value::String(v)),
            Some(first) => {
                let prev = first.take();
                *first = Value::Array(vec![prev, Value::String(v)]);
            }
        }
    }
    Value::Object(map)
}

/// Writes exchanges to a directory, one file each: what
/// [`ClientBuilder::record_to`](crate::ClientBuilder::record_to) sets up.
///
/// File names are `<endpoint-id or "raw">-<unix ms>-<process id>-<counter>.json`:
/// unique across calls and processes, and in recording order for one
/// endpoint. Each file is written to a temporary file of a random name,
/// created exclusively in the directory (a planted symbolic link is never
/// followed), and renamed without replacing an existing file, so a reader
/// never sees half a file. A failure to record is logged at WARN and
/// never fails the call.
pub struct Recorder {
    dir: PathBuf,
    seq: AtomicU64,
    /// Access key, user id and secret: replaced wherever they appear.
    secrets: Vec<String>,
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

impl Recorder {
    /// A recorder into `dir` (created on the first write if missing) for a
    /// client with `creds`.
    pub(crate) fn new(dir: PathBuf, creds: &Credentials) -> Recorder {
        let secrets = [creds.access_key(), creds.user_id(), creds.access_secret()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        Recorder {
            dir,
            seq: AtomicU64::new(0),
            secrets,
        }
    }

    /// Records one exchange; logs at WARN and carries on if it cannot.
    pub(crate) fn record(&self, mut exchange: Exchange) {
        let secrets: Vec<&str> = self.secrets.iter().map(String::as_str).collect();
        for v in [
            &mut exchange.query,
            &mut exchange.request,
            &mut exchange.response,
        ]
        .into_iter()
        .flatten()
        {
            scrub(v, &secrets);
        }
        if let Some(t) = exchange
            .response_text
            .as_mut()
            .filter(|t| secrets.iter().any(|s| t.contains(s)))
        {
            *t = REDACTED.to_owned();
        }
        if let Err(e) = self.write(&exchange) {
            tracing::warn!(dir = %self.dir.display(), error = %e, "could not record the exchange");
        }
    }

    fn write(&self, exchange: &Exchange) -> std::io::Result<PathBuf> {
        let n = self.seq.fetch_add(1, Ordering::Relaxed);
        let id: String = exchange
            .endpoint
            .as_deref()
            .unwrap_or("raw")
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let stem = format!(
            "{id}-{:013}-{}-{n:06}",
            exchange.recorded_at_ms,
            std::process::id()
        );
        std::fs::create_dir_all(&self.dir)?;
        let text = serde_json::to_vec_pretty(exchange).map_err(std::io::Error::other)?;
        // A temporary file of a random name, created exclusively (`O_EXCL`,
        // mode 0600) in the target directory, so a link planted under a
        // predictable name is never followed; then renamed without
        // replacing anything (a name taken, by a planted link say, is
        // skipped for the next of a few). Removed if anything fails.
        let mut tmp = tempfile::Builder::new()
            .prefix(&format!(".{stem}."))
            .suffix(".tmp")
            .tempfile_in(&self.dir)?;
        std::io::Write::write_all(&mut tmp, &text)?;
        let mut path = self.dir.join(format!("{stem}.json"));
        for retry in 1..=8 {
            match tmp.persist_noclobber(&path) {
                Ok(_) => break,
                Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists && retry < 8 => {
                    tmp = e.file;
                    path = self.dir.join(format!("{stem}-{retry}.json"));
                }
                Err(e) => return Err(e.error),
            }
        }
        tracing::debug!(path = %path.display(), "exchange recorded");
        Ok(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn personal_values_are_redacted_at_any_depth_and_inside_json_strings() {
        let body = json!({
            "itemId": "672991141190",
            "receiverName": "张三",
            "receiver": r#"{"name":"李四","mobile":"13900139000","address":"北京市朝阳区某路1号"}"#,
            "addressParam": {"fullName": "王五", "postCode": "100000", "areaText": "朝阳区"},
            "subOrders": [{"quantity": 2, "buyerPhone": 13700137000_u64, "idCard": "110101199003071234"}],
        });
        let text = body.to_string();
        let ex = Exchange::new(
            Some("TB-O7"),
            "POST",
            "/open/order",
            "email=a%40b.example&itemId=1",
            Some(text.as_bytes()),
            200,
            br#"{"code":200,"msg":"ok","data":{"orderId":1,"consignee":{"telephone":"010-12345678"}}}"#,
        );
        let out = serde_json::to_string(&ex).unwrap();
        for leaked in [
            "张三",
            "李四",
            "13900139000",
            "北京市",
            "王五",
            "100000",
            "朝阳区",
            "13700137000",
            "110101199003071234",
            "a@b.example",
            "010-12345678",
        ] {
            assert!(!out.contains(leaked), "{leaked} in {out}");
        }
        // Shapes and the other values stay.
        assert_eq!(ex.request.as_ref().unwrap()["itemId"], "672991141190");
        assert_eq!(ex.request.as_ref().unwrap()["subOrders"][0]["quantity"], 2);
        assert_eq!(ex.query.as_ref().unwrap()["itemId"], "1");
        assert_eq!(ex.data().unwrap()["orderId"], 1);
        let receiver: Value =
            serde_json::from_str(ex.request.as_ref().unwrap()["receiver"].as_str().unwrap())
                .unwrap();
        assert_eq!(receiver["mobile"], REDACTED);
    }

    #[test]
    fn non_json_answers_are_kept_as_cut_text_and_hostile_nesting_is_bounded() {
        let page = "<html>".repeat(2000);
        let ex = Exchange::new(None, "GET", "/x", "", None, 503, page.as_bytes());
        assert!(ex.response.is_none());
        assert_eq!(
            ex.response_text.as_deref(),
            Some("<redacted> (12000 bytes, not JSON)")
        );
        let deep = format!("{}1{}", "[".repeat(100), "]".repeat(100));
        let ex = Exchange::new(None, "GET", "/x", "", None, 200, deep.as_bytes());
        assert!(ex.response.is_some());
    }

    #[test]
    fn the_recorder_scrubs_credentials_and_writes_unique_files() {
        let dir = std::env::temp_dir().join(format!("xportcn-record-unit-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let creds = Credentials::new("AK-unit-key", "SK-unit-secret", "2100009999999");
        let rec = Recorder::new(dir.clone(), &creds);
        let body = br#"{"code":200,"data":{"owner":2100009999999,"note":"key AK-unit-key"}}"#;
        for _ in 0..2 {
            rec.record(Exchange::new(
                Some("TB-P8"),
                "GET",
                "/p",
                "",
                None,
                200,
                body,
            ));
        }
        let files = Exchange::read_dir(&dir).unwrap();
        assert_eq!(files.len(), 2);
        for f in std::fs::read_dir(&dir).unwrap() {
            let text = std::fs::read_to_string(f.unwrap().path()).unwrap();
            assert!(!text.contains("AK-unit-key") && !text.contains("2100009999999"));
        }
        // A directory that cannot be created: the call goes on, nothing panics.
        let file = dir.join("a-file");
        std::fs::write(&file, b"x").unwrap();
        Recorder::new(file.join("sub"), &creds)
            .record(Exchange::new(None, "GET", "/p", "", None, 200, body));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
