use xportcn::model::model;

#[model(page(items = list, total = count))]
pub struct Answer {
    pub list: Vec<String>,
}

fn main() {}
