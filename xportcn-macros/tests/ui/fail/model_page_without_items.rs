use xportcn::model::model;

#[model(page(total = total))]
pub struct Answer {
    pub total: Option<i64>,
    pub list: Vec<String>,
}

fn main() {}
