package dev.polyglot.auth.database;

import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class AuthDatabaseConfiguration {

    private static final Logger log = LoggerFactory.getLogger(AuthDatabaseConfiguration.class);

    @Bean
    AuthDatabase authDatabase(@Value("${AUTH_DATABASE_URL:}") String databaseUrl,
                              @Value("${PLATFORM_DATA_DIR:./var}") Path dataDir) {
        AuthDatabase database = AuthDatabase.from(databaseUrl, dataDir);
        log.info("Auth database: {}", database);
        return database;
    }
}
