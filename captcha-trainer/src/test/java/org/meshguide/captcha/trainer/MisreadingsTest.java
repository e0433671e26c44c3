package org.meshguide.captcha.trainer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The benchmark's count of what misreadings got wrong: each misreading aligned with its label, edits tallied. */
class MisreadingsTest {

	@Test
	void aMisreadingIsAlignedWithItsLabelMatchingAsManyCharactersAsPossible() {
		assertThat(Misreadings.edits("75-96", "15-96")).containsExactly("`7` read as `1`");
		assertThat(Misreadings.edits("38*11", "38*1")).containsExactly("`1` missed");
		assertThat(Misreadings.edits("17+58", "171+8")).as("one extra, one missed, rather than two misread")
			.containsExactly("extra `1`", "`5` missed");
		assertThat(Misreadings.edits("93-46", "9346")).containsExactly("`-` missed");
		assertThat(Misreadings.edits("3+4", "")).containsExactly("`3` missed", "`+` missed", "`4` missed");
		assertThat(Misreadings.edits("", "12")).containsExactly("extra `1`", "extra `2`");
		assertThat(Misreadings.edits("12+9", "12+9")).isEmpty();
	}

	@Test
	void theSummaryCountsReadingsAndEditsAndPutsTheCommonestKindFirst() {
		Misreadings misreadings = new Misreadings();
		misreadings.add("93-46", "9346");
		misreadings.add("47-40", "4740");
		misreadings.add("75-96", "15-9");
		misreadings.add("12+9", "12+9");
		assertThat(misreadings.summary(2)).isEqualTo("3 misread, 4 edits: `-` missed 2, `7` read as `1` 1");
		assertThat(new Misreadings().summary(2)).isEqualTo("none");
	}

}
