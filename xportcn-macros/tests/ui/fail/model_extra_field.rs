use xportcn::model::model;

#[model]
pub struct Answer {
    pub name: Option<String>,
    pub extra: Option<String>,
}

fn main() {}
