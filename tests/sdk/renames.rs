//! The section-prefixed request names (issue 20, part 5): a user importing
//! two sections no longer gets two `OrderDetailRequest`s, `OrderCreateRequest`s
//! or `Receiver`s. The old names stay as deprecated aliases of the same
//! types, so existing code compiles (with a warning).

#![allow(deprecated)]

use std::any::TypeId;

fn same<A: 'static, B: 'static>() -> bool {
    TypeId::of::<A>() == TypeId::of::<B>()
}

#[test]
fn new_names_import_side_by_side() {
    // One `use` of every section's order requests: no collision.
    use xportcn::ali1688::{Ali1688OrderCreateRequest, Ali1688OrderDetailRequest};
    use xportcn::bigmajor::{BigMajorOrderCreateRequest, BigMajorOrderDetailRequest};
    use xportcn::intl::IntlOrderCreateRequest;
    use xportcn::poizon::PoizonOrderCreateRequest;
    use xportcn::taobao::{PurchaseReceiver, TaobaoOrderDetailRequest};

    let _ = Ali1688OrderDetailRequest::new("1");
    let _ = TaobaoOrderDetailRequest::builder().build();
    let _ = BigMajorOrderDetailRequest::builder().build();
    let _ = IntlOrderCreateRequest::builder().build();
    let _ = PoizonOrderCreateRequest::builder().build();
    assert!(!same::<Ali1688OrderCreateRequest, BigMajorOrderCreateRequest>());
    let _: Option<PurchaseReceiver> = None;
}

#[test]
fn old_names_are_aliases_of_the_new_types() {
    assert!(same::<
        xportcn::taobao::OrderDetailRequest,
        xportcn::taobao::TaobaoOrderDetailRequest,
    >());
    assert!(same::<
        xportcn::taobao::Receiver,
        xportcn::taobao::PurchaseReceiver,
    >());
    assert!(same::<
        xportcn::ali1688::OrderDetailRequest,
        xportcn::ali1688::Ali1688OrderDetailRequest,
    >());
    assert!(same::<
        xportcn::ali1688::OrderCreateRequest,
        xportcn::ali1688::Ali1688OrderCreateRequest,
    >());
    assert!(same::<
        xportcn::bigmajor::OrderDetailRequest,
        xportcn::bigmajor::BigMajorOrderDetailRequest,
    >());
    assert!(same::<
        xportcn::bigmajor::OrderCreateRequest,
        xportcn::bigmajor::BigMajorOrderCreateRequest,
    >());
    assert!(same::<
        xportcn::intl::OrderCreateRequest,
        xportcn::intl::IntlOrderCreateRequest,
    >());
    assert!(same::<
        xportcn::poizon::OrderCreateRequest,
        xportcn::poizon::PoizonOrderCreateRequest,
    >());
    // Old code still builds its requests through the old names.
    let _ = xportcn::ali1688::OrderDetailRequest::new("1");
    let _ = xportcn::taobao::OrderDetailRequest::builder().build();
}

#[test]
fn refund_render_by_name_or_by_position() {
    use xportcn::aftersale::RefundRenderRequest;
    let by_name = RefundRenderRequest::builder()
        .sub_order_id("1034499579120189839")
        .goods_status(2)
        .refund_type(1)
        .build();
    assert_eq!(by_name.goods_status, 2);
    assert_eq!(by_name.refund_type, 1);
    assert_eq!(
        by_name,
        RefundRenderRequest::new("1034499579120189839", 2, 1)
    );
}
