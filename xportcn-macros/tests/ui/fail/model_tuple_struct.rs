use xportcn::model::model;

#[model]
pub struct Answer(Option<String>);

fn main() {}
