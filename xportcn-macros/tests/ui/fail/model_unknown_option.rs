use xportcn::model::model;

#[model(lenient)]
pub struct Answer {
    pub name: Option<String>,
}

fn main() {}
