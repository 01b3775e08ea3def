use xportcn::model::model;

#[model(page(items = list))]
pub struct Answer {
    pub list: Option<String>,
}

fn main() {}
