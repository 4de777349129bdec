/**
 * Access-token checking for the Java services: auth-service's RS256 JWTs verified through its JWKS, the same rules as
 * python-service-kit's service_kit.auth. A service opts in with the resource-server starter and
 * {@code service-kit.security.enabled=true}; see {@link dev.polyglot.servicekit.security.ServiceKitSecurityAutoConfiguration}
 * and {@link dev.polyglot.servicekit.security.AccessTokens}.
 */
package dev.polyglot.servicekit.security;
