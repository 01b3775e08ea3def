use xportcn::model::model;

#[model]
pub struct Answer {
    #[model(evidence = "doc")]
    pub name: Option<String>,
}

fn main() {}
