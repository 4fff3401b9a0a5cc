package io.gpucompute.provider.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProcStatTest {

  private static final String TAIL = " 0 -1 4194304 101 0 0 0 0 0 0 0 20 0 1 0 50865 3133440 415 18446744073709551615";

  @Test
  void parsesTheFieldsItNeeds() {
    Optional<ProcStat> stat = ProcStat.parse("18470 (cat) R 18459 18400 11220" + TAIL);

    assertThat(stat).contains(new ProcStat(18470, 'R', 18459, 18400, 11220, 50865));
    assertThat(stat.get().isRunning()).isTrue();
  }

  @Test
  void countsFieldsFromTheLastParenthesisOfTheCommandName() {
    Optional<ProcStat> stat = ProcStat.parse("77 (we ird) (name) Z 1 77 77" + TAIL);

    assertThat(stat).contains(new ProcStat(77, 'Z', 1, 77, 77, 50865));
    assertThat(stat.get().isRunning()).as("a zombie").isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "garbage", "12 (x) R 1 2", "x (cat) R 1 2 3" + TAIL})
  void rejectsWhatIsNoStatLine(String line) {
    assertThat(ProcStat.parse(line)).isEmpty();
  }

  @Test
  void readsThisJvmFromProc() {
    long pid = ProcessHandle.current().pid();

    assertThat(ProcessTable.stat(pid)).hasValueSatisfying(stat -> {
      assertThat(stat.pid()).isEqualTo(pid);
      assertThat(stat.isRunning()).isTrue();
    });
    assertThat(ProcessIdentity.current(pid)).hasValueSatisfying(identity -> {
      assertThat(identity.isAlive()).isTrue();
      assertThat(new ProcessIdentity(pid, identity.startTicks() + 1).isAlive()).as("another start time").isFalse();
      assertThat(ProcessIdentity.parse(identity.serialize())).contains(identity);
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "12", "12 x", "1 2 3"})
  void rejectsMalformedPidRecords(String text) {
    assertThat(ProcessIdentity.parse(text)).isEmpty();
  }
}
