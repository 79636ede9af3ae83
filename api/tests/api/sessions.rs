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
