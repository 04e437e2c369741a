//! Streaming a delta query's changes (features `client` and `delta`).

use futures_core::Stream;
use futures_util::{StreamExt as _, TryStreamExt as _, stream};

use super::Client;
use crate::{Change, Delta, DeltaLink, DeltaStep, Error, Operation};

/// One item of [`Client::delta`]'s stream.
#[derive(Clone, Debug, PartialEq)]
pub enum DeltaEvent<T> {
    /// A change, in the service's order.
    Change(Change<T>),
    /// The round is complete: the stream's last item. Store the link and pass it
    /// to [`Operation::resume`] for the changes made after this round.
    Completed(DeltaLink),
}

impl Client {
    /// The changes of one round of a delta query, page after page, ending with
    /// [`DeltaEvent::Completed`] and the round's delta link.
    ///
    /// The first request is `operation`: the delta function for a full sync (or
    /// [`starting_now`](Operation::starting_now)), or a round
    /// [`resume`](Operation::resume)d from a stored link. Then each page's
    /// `@odata.nextLink` is followed as given, absolute or relative, through empty
    /// pages too, until a page carries the `@odata.deltaLink`. A stream that ends
    /// without `Completed` ended with an error (or was stopped early): the round is
    /// incomplete, and resuming the previous link repeats it. An error of kind
    /// [`ResyncRequired`](crate::ErrorKind::ResyncRequired) means the stored link
    /// is dead: start over with a full sync.
    ///
    /// ```no_run
    /// # async fn run(client: odata_codegen_runtime::Client) -> Result<(), odata_codegen_runtime::Error> {
    /// use futures_util::TryStreamExt as _;
    /// use odata_codegen_runtime::{
    ///     Change, Delta, DeltaEvent, DeltaLink, ODataPath, Operation, json,
    /// };
    ///
    /// #[derive(serde::Deserialize)]
    /// struct User {
    ///     id: Option<String>,
    /// }
    ///
    /// let users_delta: Operation<Delta<User>> =
    ///     Operation::function(ODataPath::root().segment("users").function("delta", &[]), json);
    /// let stored: Option<String> = None; // from the application's storage
    /// let round = match stored {
    ///     Some(link) => users_delta.resume(client.service_root(), &DeltaLink::new(link))?,
    ///     None => users_delta.clone(),
    /// };
    /// let mut changes = std::pin::pin!(client.delta(&round));
    /// while let Some(event) = changes.try_next().await? {
    ///     match event {
    ///         DeltaEvent::Change(Change::Upserted(user)) => println!("upsert {:?}", user.id),
    ///         DeltaEvent::Change(Change::Removed(removed)) => println!("remove {}", removed.id),
    ///         DeltaEvent::Completed(link) => println!("store {link}"),
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub fn delta<T: Send + 'static>(
        &self,
        operation: &Operation<Delta<T>>,
    ) -> impl Stream<Item = Result<DeltaEvent<T>, Error>> + Send + 'static {
        let client = self.clone();
        stream::try_unfold(Some(operation.clone()), move |next| {
            let client = client.clone();
            async move {
                let Some(operation) = next else {
                    return Ok(None);
                };
                let page = client.send(&operation).await?;
                let step = operation.next_step(&client.inner.root, &page)?;
                let changes = page.value.into_iter().map(DeltaEvent::Change);
                Ok(Some(match step {
                    DeltaStep::NextPage(next) => (changes.collect::<Vec<_>>(), Some(*next)),
                    DeltaStep::Completed(link) => {
                        (changes.chain([DeltaEvent::Completed(link)]).collect(), None)
                    }
                }))
            }
        })
        .map_ok(|events| stream::iter(events).map(Ok))
        .try_flatten()
    }
}
