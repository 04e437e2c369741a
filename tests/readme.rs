//! The README's examples for the seed crate compile against `generated/` as they stand
//! there (the build script takes them from README.md).

#[allow(unused)]
mod examples {
    include!(concat!(env!("OUT_DIR"), "/readme_examples.rs"));
}

#[test]
fn the_readme_shows_the_worked_example_sending_it_and_etags() {
    // Compiling is the test; this says the build script found what it compiled.
    assert_eq!(examples::BLOCKS, 3);
    let _unsent = examples::seed_crate_examples();
}
