use xportcn::model::model;

#[model(rename_all = "PascalCase")]
pub struct Answer {
    pub name: Option<String>,
}

fn main() {}
