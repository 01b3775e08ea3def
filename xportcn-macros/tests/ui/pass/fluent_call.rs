//! The fluent calls compile with one import, with the required fields set.
use xportcn::prelude::*;

async fn calls(client: Client) -> Result<(), Error> {
    let product = client.taobao().product_get("672991141190").await?;
    let _ = &product.sku_list;
    let page = client.ali1688().keyword_search().keyword("phone case").page_size(50).await?;
    let _ = page.data.first().map(|o| &o.extra);
    let _all: Vec<_> = client
        .ali1688()
        .keyword_search()
        .keyword("phone case")
        .pages()
        .max_pages(2)
        .try_collect()
        .await?;
    let _render = client
        .aftersale()
        .refund_render()
        .sub_order_id("1")
        .goods_status(1)
        .refund_type(1)
        .send()
        .await?;
    Ok(())
}

fn main() {
    let _ = calls;
}
