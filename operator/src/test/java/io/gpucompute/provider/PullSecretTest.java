package io.gpucompute.provider;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpucompute.secrets.Scrubber;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A pull secret's passwords are known to the Scrubber once read, though they sit inside the Secret's JSON. */
class PullSecretTest {

  @Test
  void aPasswordReadFromTheJsonIsScrubbedFromLaterMessages() throws Exception {
    String password = "pw-" + UUID.randomUUID();
    String json = "{\"auths\":{\"registry.test\":{\"username\":\"bot\",\"password\":\"" + password + "\"}}}";

    assertThat(new PullSecret("regcred", json).logins()).singleElement()
        .satisfies(login -> assertThat(login.password()).isEqualTo(password));

    assertThat(Scrubber.scrub("the registry said: bad login bot/" + password)).doesNotContain(password)
        .contains(Scrubber.MASK);
  }

  @Test
  void aPasswordAndItsBase64AuthAreBothScrubbed() throws Exception {
    String password = "pw-" + UUID.randomUUID();
    String auth = Base64.getEncoder().encodeToString(("bot:" + password).getBytes(StandardCharsets.UTF_8));
    String json = "{\"auths\":{\"registry.test\":{\"auth\":\"" + auth + "\"}}}";

    new PullSecret("regcred", json).logins();

    assertThat(Scrubber.scrub("echo " + password + " and " + auth)).doesNotContain(password).doesNotContain(auth);
  }
}
