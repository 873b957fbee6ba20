// Spring Security 6: login with Yiwang, PKCE for this confidential client too, a higher
// level with acr_values, and RP-initiated logout back to the site. Not exercised by the
// test suite (no Maven Central here). Goes with application.yml.
package cn.gov.example.sb;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.client.oidc.web.logout.OidcClientInitiatedLogoutSuccessHandler;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers;
import org.springframework.security.web.SecurityFilterChain;

@Configuration
public class SecurityConfig {

    @Bean
    SecurityFilterChain security(HttpSecurity http, ClientRegistrationRepository registrations)
            throws Exception {
        DefaultOAuth2AuthorizationRequestResolver resolver =
                new DefaultOAuth2AuthorizationRequestResolver(registrations, "/oauth2/authorization");
        // PKCE S256 (Spring adds it by itself only for public clients), and level 2 (real-name).
        resolver.setAuthorizationRequestCustomizer(
                OAuth2AuthorizationRequestCustomizers.withPkce()
                        .andThen(request -> request.additionalParameters(
                                params -> params.put("acr_values", "2"))));

        OidcClientInitiatedLogoutSuccessHandler logout =
                new OidcClientInitiatedLogoutSuccessHandler(registrations);
        // Must be registered as the client's post_logout_redirect_uri.
        logout.setPostLogoutRedirectUri("{baseUrl}/");

        http.authorizeHttpRequests(authorize -> authorize
                        .requestMatchers("/", "/error").permitAll()
                        .anyRequest().authenticated())
                .oauth2Login(login -> login.authorizationEndpoint(
                        endpoint -> endpoint.authorizationRequestResolver(resolver)))
                .logout(out -> out.logoutSuccessHandler(logout))
                // Back-channel logout (Spring Security 6.2+): POST /logout/connect/back-channel/yiwang;
                // register it with --backchannel-logout-uri.
                .oidcLogout(oidc -> oidc.backChannel(Customizer.withDefaults()));
        return http.build();
    }
}
