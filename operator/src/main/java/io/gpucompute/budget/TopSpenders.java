package io.gpucompute.budget;

import io.gpucompute.api.v1alpha1.UserSpend;
import io.gpucompute.cost.Money;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A budget's spend per person and provider: at most {@link #LINES} lines, largest first, and one line
 * {@link #OTHERS} that sums the rest, so the status stays small however many people spend. Pure.
 *
 * <p>A person without a line gets one when there is room, or when what they spend now is more than the smallest
 * line, which then folds into {@link #OTHERS}. A line counts from when it was made: what its person spent while in
 * {@link #OTHERS} stays there. The sum of all lines is always exactly the budget's spent.
 */
public final class TopSpenders {

  /** The most lines with a name. */
  public static final int LINES = 20;
  /** The user and provider of the line that sums everyone without a line of their own. */
  public static final String OTHERS = "(others)";

  private static final Comparator<UserSpend> LARGEST_FIRST = Comparator
      .comparing((UserSpend line) -> amount(line)).reversed()
      .thenComparing(UserSpend::getUser).thenComparing(UserSpend::getProvider);

  private TopSpenders() {}

  /** {@code lines} with {@code amount} added to the line of {@code user} on {@code provider}. */
  public static List<UserSpend> add(List<UserSpend> lines, String user, String provider, BigDecimal amount) {
    List<UserSpend> named = new ArrayList<>();
    BigDecimal others = BigDecimal.ZERO;
    for (UserSpend line : lines) {
      if (OTHERS.equals(line.getUser())) {
        others = others.add(amount(line));
      } else {
        named.add(new UserSpend(line.getUser(), line.getProvider(), line.getSpent()));
      }
    }
    UserSpend own = named.stream().filter(l -> l.getUser().equals(user) && l.getProvider().equals(provider))
        .findFirst().orElse(null);
    if (own != null) {
      own.setSpent(Money.formatTotal(amount(own).add(amount)));
    } else if (named.size() < LINES) {
      named.add(new UserSpend(user, provider, Money.formatTotal(amount)));
    } else {
      named.sort(LARGEST_FIRST);
      UserSpend smallest = named.get(named.size() - 1);
      if (amount.compareTo(amount(smallest)) > 0) {
        named.remove(named.size() - 1);
        others = others.add(amount(smallest));
        named.add(new UserSpend(user, provider, Money.formatTotal(amount)));
      } else {
        others = others.add(amount);
      }
    }
    named.sort(LARGEST_FIRST);
    if (others.signum() > 0) {
      named.add(new UserSpend(OTHERS, OTHERS, Money.formatTotal(others)));
    }
    return named;
  }

  private static BigDecimal amount(UserSpend line) {
    return Money.parseOrZero(line.getSpent());
  }
}
