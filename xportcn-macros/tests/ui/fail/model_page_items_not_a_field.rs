use xportcn::model::model;

#[model(page(items = rows))]
pub struct Answer {
    pub list: Vec<String>,
}

fn main() {}
