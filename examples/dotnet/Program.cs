// ASP.NET Core 8 (Microsoft.AspNetCore.Authentication.OpenIdConnect): a department site
// logging in with Yiwang. Not exercised by the test suite (no .NET SDK or NuGet here).
//
// Register: idp clients add --name 不动产登记 --department 自然资源厅 \
//   --redirect-uri https://bdc.example.gov.cn/signin-oidc \
//   --post-logout-redirect-uri https://bdc.example.gov.cn/signout-callback-oidc \
//   --scope profile --scope id_card --claim name --claim id_card --json
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddAuthentication(options =>
    {
        options.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
        options.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
    })
    .AddCookie()
    .AddOpenIdConnect(options =>
    {
        options.Authority = "https://id.example.gov.cn";   // discovery and JWKS from here
        options.ClientId = builder.Configuration["Yiwang:ClientId"];
        options.ClientSecret = builder.Configuration["Yiwang:ClientSecret"];
        options.ResponseType = "code";                     // code flow only
        options.UsePkce = true;                            // S256
        options.CallbackPath = "/signin-oidc";             // registered redirect URI
        options.SignedOutCallbackPath = "/signout-callback-oidc";
        options.Scope.Clear();
        options.Scope.Add("openid");
        options.Scope.Add("profile");
        options.Scope.Add("id_card");
        options.GetClaimsFromUserInfoEndpoint = true;
        options.MapInboundClaims = false;                  // keep sub, name, acr as named
        options.TokenValidationParameters.NameClaimType = "name";
        options.SaveTokens = true;                         // id_token_hint for logout
        options.Events.OnRedirectToIdentityProvider = context =>
        {
            context.ProtocolMessage.AcrValues = "2";       // real-name level at least
            return Task.CompletedTask;
        };
    });
builder.Services.AddAuthorization();

var app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();

app.MapGet("/", (HttpContext http) =>
        $"{http.User.Identity?.Name} (level {http.User.FindFirst("acr")?.Value})")
    .RequireAuthorization();
// RP-initiated logout: the local cookie, then the IdP's end_session_endpoint.
app.MapGet("/logout", () => Results.SignOut(
    new AuthenticationProperties { RedirectUri = "/" },
    new[] { CookieAuthenticationDefaults.AuthenticationScheme, OpenIdConnectDefaults.AuthenticationScheme }));

app.Run();
