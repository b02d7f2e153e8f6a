package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LayersTest {

  @Test
  void rebuildsALayerFromAConfigWithDefaultsLeftOut() {
    Layer layer = Layers.fromConfig(Map.of("type", "Dense", "units", 4));
    assertEquals(Dense.builder(4).build().config(), layer.config());
  }

  @Test
  void rejectsAKeyTheLayerTypeDoesNotKnow() {
    Map<String, Object> config = new LinkedHashMap<>(Dense.builder(4).name("fc").build().config());
    config.put("unit", 3);
    config.put("dropout", 0.5);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Layers.fromConfig(config));
    assertEquals("layer 'fc' (Dense): unknown config keys 'unit', 'dropout'; the known keys are [type, name, units, "
        + "activation, use_bias, kernel_initializer, bias_initializer]", e.getMessage());
  }

  @Test
  void rejectsAnUnknownType() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Layers.fromConfig(Map.of("type", "Conv3D")));
    assertEquals("layer type must be one of " + Layers.types() + ", got 'Conv3D'", e.getMessage());
  }
}
