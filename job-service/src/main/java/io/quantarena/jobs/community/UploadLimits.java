package io.quantarena.jobs.community;

import jakarta.servlet.MultipartConfigElement;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Multipart parsing for community uploads: parts bigger than 1 MiB go to a temporary file (never
 * held in memory), a file part over the upload limit or a request over it plus room for the form
 * fields is refused while being read (413).
 */
@Configuration
public class UploadLimits {

    /** Room for the form fields next to the file. */
    static final long FORM_FIELDS_BYTES = 64 * 1024;

    @Bean
    public MultipartConfigElement multipartConfigElement(UploadProperties properties) {
        long max = properties.maxSize().toBytes();
        return new MultipartConfigElement("", max, max + FORM_FIELDS_BYTES, 1 << 20);
    }
}
