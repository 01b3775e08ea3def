use serde::{Serialize, Serializer};
use serde_json::value::RawValue;

use super::Ali1688;
use crate::endpoint::endpoint;
use crate::model::model;
use crate::types::{Decimal, Id, Yuan};

/// Direction of a [`SearchSort`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum SortOrder {
    /// `asc`.
    Asc,
    /// `desc`.
    Desc,
}

/// Sort order of a 1688 search. The platform takes it as JSON inside a
/// string (`"{\"price\":\"desc\"}"`); the SDK writes that string.
///
/// ```
/// use xportcn::ali1688::SearchSort;
/// assert_eq!(serde_json::to_string(&SearchSort::price_desc()).unwrap(), r#"{"price":"desc"}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchSort {
    /// The field sorted on (the docs show `price`).
    pub field: String,
    /// The direction.
    pub order: SortOrder,
}

impl SearchSort {
    /// Sort on any field the platform accepts.
    pub fn new(field: impl Into<String>, order: SortOrder) -> Self {
        SearchSort {
            field: field.into(),
            order,
        }
    }

    /// Cheapest first: `{"price":"asc"}`.
    pub fn price_asc() -> Self {
        SearchSort::new("price", SortOrder::Asc)
    }

    /// Dearest first: `{"price":"desc"}`.
    pub fn price_desc() -> Self {
        SearchSort::new("price", SortOrder::Desc)
    }
}

impl Serialize for SearchSort {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry(&self.field, &self.order)?;
        m.end()
    }
}

/// 1688 product keyword query: offers matching a keyword, page by page.
///
/// A paged list: [`Call::pages`](crate::Call::pages) streams every offer.
/// The docs show only `imageUrl` and `subject` of the 8 item fields; the rest
/// of each item is in its `extra`.
#[endpoint(
    id = "AL-P4",
    method = POST,
    v1 = verified("/alibaba/product/keywords/query", "https://doc-en.pandapon.com/api-263477640"),
    v2 = verified("/v2/alibaba/product/keywords/query", "https://doc-cnv2.pandapon.com/api-288828687"),
    response = KeywordSearchPage,
    idempotent,
    paged(page = begin_page, size = page_size),
    handle = Ali1688,
    name = keyword_search,
)]
pub struct KeywordSearchRequest {
    /// The keyword, e.g. `男鞋`.
    pub keyword: String,
    /// Page number, from 1 (default 1).
    #[builder(default = 1)]
    pub begin_page: u32,
    /// Page size (default 20).
    #[builder(default = 20)]
    pub page_size: u32,
    /// Language of translated fields; the docs say "currently fixed to `en`".
    #[builder(default = "en".to_owned())]
    pub country: String,
    /// Filters, a comma list such as `shipInToday,ksCiphertext`.
    pub filter: Option<String>,
    /// Sort order (sent as the platform's JSON-in-a-string, e.g.
    /// `"{\"price\":\"desc\"}"`).
    #[serde(serialize_with = "crate::model::json_string")]
    pub sort: Option<SearchSort>,
    /// External member id.
    pub out_member_id: Option<String>,
    /// Lowest wholesale price (yuan, as text).
    pub price_start: Option<Decimal>,
    /// Highest wholesale price (yuan, as text).
    pub price_end: Option<Decimal>,
    /// Category id (a string here).
    pub category_id: Option<String>,
}

/// One page of 1688 offers (AL-P4 and AL-P5 answer this shape, the v2
/// schema `AlibabaBasePageVOAlibabaProductListInfoV2VO`).
#[model(page(items = data, total = total_records, pages = total_page))]
pub struct KeywordSearchPage {
    /// Total number of offers.
    pub total_records: Option<i64>,
    /// Total number of pages.
    pub total_page: Option<i64>,
    /// Page size.
    pub page_size: Option<i64>,
    /// This page's number.
    pub current_page: Option<i64>,
    /// The offers of this page.
    pub data: Vec<OfferSummary>,
}

/// An offer in a keyword or image search result (AL-P4, AL-P5).
///
/// The docs show 2 of its 8 fields (`AlibabaProductListInfoV2VO`):
/// `imageUrl` and `subject`. A shipped public app reads five more, typed
/// here at the **client** level (`docs/endpoints.md`): `offerId`,
/// `subjectTrans`, `priceInfo.price`, `monthSold`, `repurchaseRate`. Any
/// other field is in `extra` under the name the server gives it.
#[model]
pub struct OfferSummary {
    /// Main image URL.
    pub image_url: Option<String>,
    /// Title.
    pub subject: Option<String>,
    /// The offer id (a JSON number; the app calls `toString` on it), the
    /// `offerId` of [`ProductDetailRequest`](super::ProductDetailRequest).
    #[model(
        client = "Hunghs1112/SaboApp, app/search-results.js (also app/search-page.js, app/imageQuery.js), 39301355"
    )]
    pub offer_id: Option<Id>,
    /// Translated title.
    #[model(
        client = "Hunghs1112/SaboApp, app/search-results.js (also app/search-page.js, app/imageQuery.js), 39301355"
    )]
    pub subject_trans: Option<String>,
    /// Price information.
    #[model(
        client = "Hunghs1112/SaboApp, app/search-results.js (also app/search-page.js, app/imageQuery.js), 39301355"
    )]
    pub price_info: Option<OfferPriceInfo>,
    /// Units sold in the last month (unit of the count not documented).
    #[model(
        client = "Hunghs1112/SaboApp, app/search-results.js (also app/search-page.js, app/imageQuery.js), 39301355"
    )]
    pub month_sold: Option<i64>,
    /// Repurchase rate, as the server writes it (kept as text: its format,
    /// fraction or percentage, is not documented).
    #[model(
        client = "Hunghs1112/SaboApp, app/search-results.js (also app/search-page.js, app/imageQuery.js), 39301355"
    )]
    pub repurchase_rate: Option<String>,
}

/// The `priceInfo` of an [`OfferSummary`].
#[model]
pub struct OfferPriceInfo {
    /// Price in yuan (the app shows it after `¥`).
    #[model(
        client = "Hunghs1112/SaboApp, app/search-results.js (also app/search-page.js, app/imageQuery.js), 39301355"
    )]
    pub price: Option<Yuan>,
}

/// 1688 product image search: offers that look like an image, page by page.
///
/// A paged list: [`Call::pages`](crate::Call::pages) streams every offer.
/// The docs mark `imageBase64` required; their v2 example also sends
/// `imageAddress` (an image URL).
#[endpoint(
    id = "AL-P5",
    method = POST,
    v1 = verified("/alibaba/product/image/query", "https://doc.pandapon.com/api-250313105"),
    v2 = verified("/v2/alibaba/product/image/query", "https://doc-cnv2.pandapon.com/api-288828688"),
    response = KeywordSearchPage,
    idempotent,
    paged(page = begin_page, size = page_size),
    handle = Ali1688,
    name = image_search,
)]
pub struct ImageSearchRequest {
    /// The image, base64 (no `data:` prefix).
    pub image_base64: String,
    /// Page number, from 1 (default 1).
    #[builder(default = 1)]
    pub begin_page: u32,
    /// Page size (default 20).
    #[builder(default = 20)]
    pub page_size: u32,
    /// Language of translated fields; the docs say "fixed `en`".
    #[builder(default = "en".to_owned())]
    pub country: String,
    /// Main-subject selection (docs' example: empty).
    pub region: Option<String>,
    /// Filters, a comma list such as `shipInToday,ksCiphertext`.
    pub filter: Option<String>,
    /// Sort order (sent as the platform's JSON-in-a-string).
    #[serde(serialize_with = "crate::model::json_string")]
    pub sort: Option<SearchSort>,
    /// Lowest wholesale price (yuan, as text).
    pub price_start: Option<Decimal>,
    /// Highest wholesale price (yuan, as text).
    pub price_end: Option<Decimal>,
    /// Category id (an integer here).
    pub category_id: Option<i64>,
    /// The image's URL.
    pub image_address: Option<String>,
    /// External member id.
    pub out_member_id: Option<String>,
}

/// 1688 shop search: one seller's offers, optionally matching a keyword,
/// page by page.
///
/// A paged list: [`Call::pages`](crate::Call::pages) streams every offer.
/// Its items are another schema than the keyword search's
/// (`ProductSearchQuerySellerOfferListV2VO`, 9 fields, of which the docs
/// show only `imageUrl`).
#[endpoint(
    id = "AL-P6",
    method = POST,
    v1 = verified("/alibaba/product/query/selleroffer", "https://doc-en.pandapon.com/api-263477642"),
    v2 = verified("/v2/alibaba/product/query/selleroffer", "https://doc-cnv2.pandapon.com/api-288828689"),
    response = ShopSearchPage,
    idempotent,
    paged(page = begin_page, size = page_size),
    handle = Ali1688,
    name = shop_search,
)]
pub struct ShopSearchRequest {
    /// The seller's shop id (opaque, e.g. `BBBgGWh2O6JFI6v1aQuZVgRIA`).
    pub seller_open_id: String,
    /// Keyword.
    pub keyword: Option<String>,
    /// Page number, from 1 (default 1).
    #[builder(default = 1)]
    pub begin_page: u32,
    /// Page size (default 20).
    #[builder(default = 20)]
    pub page_size: u32,
    /// Language (default `en`).
    #[builder(default = "en".to_owned())]
    pub country: String,
    /// Filters, a comma list such as `shipInToday,ksCiphertext`.
    pub filter: Option<String>,
    /// Sort order (sent as the platform's JSON-in-a-string).
    #[serde(serialize_with = "crate::model::json_string")]
    pub sort: Option<SearchSort>,
    /// External member id.
    pub out_member_id: Option<String>,
    /// Lowest wholesale price (yuan, as text).
    pub price_start: Option<Decimal>,
    /// Highest wholesale price (yuan, as text).
    pub price_end: Option<Decimal>,
    /// Category id (an integer here).
    pub category_id: Option<i64>,
}

/// One page of a seller's offers (AL-P6).
#[model(page(items = data, total = total_records, pages = total_page))]
pub struct ShopSearchPage {
    /// Total number of offers.
    pub total_records: Option<i64>,
    /// Total number of pages.
    pub total_page: Option<i64>,
    /// Page size.
    pub page_size: Option<i64>,
    /// This page's number.
    pub current_page: Option<i64>,
    /// The offers of this page.
    pub data: Vec<ShopOffer>,
}

/// An offer in a shop search result. The docs show 1 of its 9 fields; the
/// others are in `extra`.
#[model]
pub struct ShopOffer {
    /// Main image URL.
    pub image_url: Option<String>,
}

/// 1688 global strictly-selected keyword query. **Path and schema
/// unknown** (v2 navigation only): the call fails before sending until a
/// path is set with
/// [`ClientBuilder::override_path`](crate::ClientBuilder::override_path);
/// the answer is returned raw.
#[endpoint(
    id = "AL-P9",
    method = POST,
    response = Box<RawValue>,
    idempotent,
    handle = Ali1688,
    name = global_select_search,
    open,
)]
pub struct GlobalSelectSearchRequest {
    /// The keyword (wire name `keyword` INFERRED from the keyword query).
    pub keyword: String,
}

/// 1688 strictly-selected keyword query. **Path and schema unknown** (v2
/// navigation only): the call fails before sending until a path is set with
/// [`ClientBuilder::override_path`](crate::ClientBuilder::override_path);
/// the answer is returned raw.
#[endpoint(
    id = "AL-P10",
    method = POST,
    response = Box<RawValue>,
    idempotent,
    handle = Ali1688,
    name = strict_select_search,
    open,
)]
pub struct StrictSelectSearchRequest {
    /// The keyword (wire name `keyword` INFERRED from the keyword query).
    pub keyword: String,
}
