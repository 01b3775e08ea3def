use super::Ali1688;
use crate::endpoint::endpoint;
use crate::model::model;
use crate::types::Decimal;

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
    via = ali1688,
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
    /// Sort order as the platform's JSON-in-a-string, e.g. `{"price":"desc"}`.
    pub sort: Option<String>,
    /// External member id.
    pub out_member_id: Option<String>,
    /// Lowest wholesale price (yuan, as text).
    pub price_start: Option<Decimal>,
    /// Highest wholesale price (yuan, as text).
    pub price_end: Option<Decimal>,
    /// Category id (a string here).
    pub category_id: Option<String>,
}

/// One page of 1688 offers (AL-P4, AL-P5 and AL-P6 answer this shape).
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

/// An offer in a search result. The docs show 2 of its 8 fields.
#[model]
pub struct OfferSummary {
    /// Main image URL.
    pub image_url: Option<String>,
    /// Title.
    pub subject: Option<String>,
}
