// The seal lives in a private module: naming it from outside, to implement it, is refused.
struct Secret;

impl telemetry_schema::kind::sealed::Sealed for Secret {}

fn main() {}
