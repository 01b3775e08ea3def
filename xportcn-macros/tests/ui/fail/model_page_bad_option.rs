use xportcn::model::model;

#[model(page(items = list, size = page_size))]
pub struct Answer {
    pub list: Vec<String>,
    pub page_size: Option<i64>,
}

fn main() {}
