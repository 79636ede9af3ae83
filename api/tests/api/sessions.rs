//! A sign-out ends the session on every API instance: two instances share a
//! real PostgreSQL database; what one records, the other refuses within a second.

use crate::helpers::*;
use crate::postgres::Postgres;
use reqwest::{Method, StatusCode};

async fn two_instances(database: &Postgres) -> (TestApp, TestApp) {
    let url = database.url();
    let a = spawn_app_with(&[("DATABASE_URL", url.as_str())]).await;
    let b = a.second_instance().await;
    (a, b)
}

#[actix_web::test]
async fn a_sign_out_on_one_instance_is_refused_by_the_other() {
    let database = Postgres::start();
    let (a, b) = two_instances(&database).await;
    let tokens = a.sign_in(USER).await;
    let refresh = tokens.refresh_token.clone().expect("refresh token");
    assert_eq!(
        b.get("/stats", Some(&tokens.access_token)).await.status(),
        StatusCode::OK
    );

    assert_eq!(
        a.sign_out(&tokens.access_token, &refresh).await.status(),
        StatusCode::NO_CONTENT
    );
    a.advance(1);
    assert_unauthorized(
        b.get("/stats", Some(&tokens.access_token)).await,
        "invalid_token",
    )
    .await;
    assert_unauthorized(b.refresh_explicitly(&refresh).await, "session_expired").await;
    // The same user's other sessions are not touched.
    let other = b.sign_in(USER).await;
    assert_eq!(
        b.get("/stats", Some(&other.access_token)).await.status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn signing_a_user_out_everywhere_reaches_every_instance() {
    let database = Postgres::start();
    let (a, b) = two_instances(&database).await;
    let user = a.sign_in(USER).await;
    assert_eq!(
        b.get("/stats", Some(&user.access_token)).await.status(),
        StatusCode::OK
    );
    let admin = a.sign_in(ADMIN).await.access_token;
    let signed_out = a
        .request(
            Method::POST,
            "/admin/users/user@example.com/signout",
            Some(&admin),
        )
        .send()
        .await
        .expect("sign out everywhere");
    assert_eq!(signed_out.status(), StatusCode::NO_CONTENT);
    a.advance(1);
    assert_unauthorized(
        b.get("/stats", Some(&user.access_token)).await,
        "invalid_token",
    )
    .await;
    assert_unauthorized(
        a.get("/stats", Some(&user.access_token)).await,
        "invalid_token",
    )
    .await;
    // A new sign-in afterwards works.
    a.advance(1);
    let again = b.sign_in(USER).await;
    assert_eq!(
        b.get("/stats", Some(&again.access_token)).await.status(),
        StatusCode::OK
    );
}

/// With rotation, Cognito honours an old refresh token once. Two instances
/// (two tabs on two Lambdas) refreshing the same one at the same moment must
/// share that one answer instead of one of them ending the session.
#[actix_web::test]
async fn two_instances_refreshing_one_rotating_token_at_once_keep_the_session() {
    let database = Postgres::start();
    let url = database.url();
    let a = spawn_stack(&[("DATABASE_URL", url.as_str())], |pool| {
        *pool = pool.clone().with_refresh_rotation(true)
    })
    .await;
    let b = a.second_instance().await;
    a.set_access_token_secs(2).await;
    let tokens = a.sign_in(USER).await;
    let refresh = tokens.refresh_token.clone().expect("refresh token");
    a.advance(3);
    let before = a.refresh_calls().await;

    let responses = futures_util::future::join_all((0..8).map(|i| {
        let instance = if i % 2 == 0 { &a } else { &b };
        instance.get_with_refresh("/stats", &tokens.access_token, &refresh)
    }))
    .await;
    let mut answers = Vec::new();
    for response in &responses {
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "every tab keeps its session"
        );
        answers.push((
            header(response, shared::headers::ACCESS_TOKEN).expect("x-access-token"),
            header(response, shared::headers::REFRESH_TOKEN).expect("x-refresh-token"),
        ));
    }
    answers.dedup();
    assert_eq!(
        answers.len(),
        1,
        "one refresh, one answer for every request"
    );
    assert_eq!(a.refresh_calls().await - before, 1, "Cognito asked once");
    let (access, rotated) = answers.remove(0);
    assert_ne!(rotated, refresh);

    // The rotated token carries the session on, on either instance.
    a.advance(3);
    let next = b.get_with_refresh("/stats", &access, &rotated).await;
    assert_eq!(next.status(), StatusCode::OK);
    // Past the reuse window, the old refresh token yields nothing.
    a.advance(31);
    assert_unauthorized(a.refresh_explicitly(&refresh).await, "session_expired").await;
}
