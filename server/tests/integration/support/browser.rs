//! A minimal browser: keeps the session cookie and sends the headers a same-origin page would.

use super::TestServer;

pub struct Browser<'a> {
    server: &'a TestServer,
    /// `quire_session=…`, once the server has set it.
    pub cookie: Option<String>,
}

pub struct Reply {
    pub status: u16,
    pub body: String,
    pub location: Option<String>,
    pub set_cookie: Option<String>,
}

impl Reply {
    /// The fields named by an `Invalid` error's JSON body, in order.
    pub fn invalid_fields(&self) -> Vec<String> {
        let err: serde_json::Value = serde_json::from_str(&self.body).unwrap_or_default();
        err["Invalid"]["errors"]
            .as_array()
            .map(|errors| {
                errors
                    .iter()
                    .filter_map(|e| e["field"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl<'a> Browser<'a> {
    pub fn new(server: &'a TestServer) -> Self {
        Browser {
            server,
            cookie: None,
        }
    }

    pub fn with_cookie(server: &'a TestServer, cookie: Option<String>) -> Self {
        Browser { server, cookie }
    }

    /// A same-origin POST to a server function, as the blog's own pages send.
    pub fn post(&self, endpoint: &str, form: &[(&str, &str)]) -> reqwest::RequestBuilder {
        self.server
            .client
            .post(self.server.url(&format!("/api/{endpoint}")))
            .header("origin", &self.server.base)
            .header("sec-fetch-site", "same-origin")
            .form(form)
    }

    /// Calls a server function the way the WASM client does (fetch, same origin).
    pub async fn call(&mut self, endpoint: &str, form: &[(&str, &str)]) -> Reply {
        let request = self.post(endpoint, form);
        self.send(request).await
    }

    /// Submits a form the way a browser without JavaScript does (a plain HTML post).
    pub async fn submit(
        &mut self,
        endpoint: &str,
        from_page: &str,
        form: &[(&str, &str)],
    ) -> Reply {
        let request = self
            .post(endpoint, form)
            .header("accept", "text/html")
            .header("referer", self.server.url(from_page));
        self.send(request).await
    }

    /// GETs a page. Its body comes without the empty `<!>` comments the server writes for
    /// hydration (after each piece of dynamic text), so tests can look for markup as a
    /// reader's browser shows it.
    pub async fn page(&mut self, path: &str) -> Reply {
        let request = self
            .server
            .client
            .get(self.server.url(path))
            .header("accept", "text/html");
        let mut reply = self.send(request).await;
        reply.body = super::without_hydration_markers(&reply.body);
        reply
    }

    async fn send(&mut self, mut request: reqwest::RequestBuilder) -> Reply {
        if let Some(cookie) = &self.cookie {
            request = request.header("cookie", cookie);
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let location = header("location");
        let set_cookie = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("quire_session="))
            .map(str::to_owned);
        if let Some(set) = &set_cookie {
            let pair = set.split(';').next().unwrap_or_default().to_owned();
            // An expired cookie is the server deleting it.
            self.cookie = if set.contains("Max-Age=0") || pair == "quire_session=" {
                None
            } else {
                Some(pair)
            };
        }
        let body = response.text().await.unwrap_or_default();
        Reply {
            status,
            body,
            location,
            set_cookie,
        }
    }

    /// Registers through the API; panics unless it succeeds.
    pub async fn register(&mut self, name: &str, email: &str, password: &str) {
        let reply = self
            .call(
                "register",
                &[("name", name), ("email", email), ("password", password)],
            )
            .await;
        assert!(
            reply.status < 400,
            "register {email}: {} {}",
            reply.status,
            reply.body
        );
    }

    pub async fn login(&mut self, email: &str, password: &str) -> Reply {
        self.call("login", &[("email", email), ("password", password)])
            .await
    }

    /// Publishes a post through the editor's endpoint, as the admin does.
    pub async fn publish(&mut self, title: &str, body: &str) -> Reply {
        self.call(
            "posts/create",
            &[
                ("title", title),
                ("subtitle", ""),
                ("cover_url", ""),
                ("body", body),
            ],
        )
        .await
    }

    /// Creates a post with the editor's publishing and tag fields (body "Words."). Returns the
    /// status and the new post's slug — or, when refused, the reply's body.
    pub async fn create_post(
        &mut self,
        title: &str,
        status: &str,
        publish_at: &str,
        tags: &str,
    ) -> (u16, String) {
        let reply = self
            .call(
                "posts/create",
                &[
                    ("title", title),
                    ("subtitle", ""),
                    ("cover_url", ""),
                    ("body", "Words."),
                    ("status", status),
                    ("publish_at", publish_at),
                    ("tags", tags),
                ],
            )
            .await;
        let slug = reply
            .location
            .unwrap_or_default()
            .trim_start_matches("/posts/")
            .to_owned();
        let outcome = if reply.status < 400 { slug } else { reply.body };
        (reply.status, outcome)
    }

    /// Who the server thinks is logged in: the JSON of `get_current_user`.
    pub async fn whoami(&mut self) -> serde_json::Value {
        let reply = self.call("current_user", &[]).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        serde_json::from_str(&reply.body).unwrap()
    }
}
