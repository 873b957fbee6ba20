<?php
// PHP with jumbojett/openid-connect-php (composer require jumbojett/openid-connect-php):
// one page that logs in with Yiwang and shows the person's claims. Not exercised by the
// test suite (no PHP runtime with Composer packages on the test machines).
//
// Register: idp clients add --name 公积金中心 --department 住房公积金管理中心 \
//   --redirect-uri https://gjj.example.gov.cn/index.php \
//   --post-logout-redirect-uri https://gjj.example.gov.cn/ --scope profile --scope phone --json
require __DIR__ . '/vendor/autoload.php';

use Jumbojett\OpenIDConnectClient;

session_start();

$oidc = new OpenIDConnectClient(
    'https://id.example.gov.cn',          // the issuer: discovery is read from it
    getenv('YIWANG_CLIENT_ID'),
    getenv('YIWANG_CLIENT_SECRET')
);
$oidc->setRedirectURL('https://gjj.example.gov.cn/index.php');   // exactly as registered
$oidc->addScope(['openid', 'profile', 'phone']);
$oidc->setCodeChallengeMethod('S256');    // PKCE
$oidc->addAuthParam(['acr_values' => '2']);   // real-name level at least

if (isset($_GET['logout'])) {
    // RP-initiated logout: the IdP ends the session and returns to the registered URI.
    $idToken = $_SESSION['id_token'] ?? null;
    session_destroy();
    $oidc->signOut($idToken, 'https://gjj.example.gov.cn/');
}

// Redirects to the IdP, then, on the way back, exchanges the code and checks the ID token
// (signature from the JWKS, iss, aud, nonce, exp).
$oidc->authenticate();
$_SESSION['id_token'] = $oidc->getIdToken();

$name = $oidc->requestUserInfo('name');
$level = $oidc->getVerifiedClaims('acr');
echo '<!doctype html><meta charset="utf-8"><p>', htmlspecialchars($name),
     ' (level ', htmlspecialchars((string) $level), ')</p><a href="?logout=1">退出</a>';
