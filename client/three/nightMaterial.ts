/**
 * The night look of a building: a dark facade lit by rows of warm windows tinted by the building's
 * colour, roofs with a faint glow, and the selected building bright. One shader program for all.
 */
import { Color, MeshLambertMaterial } from 'three';
import type { WebGLProgramParametersWithUniforms } from 'three';

export interface NightUniforms {
  selectedFeature: { value: number };
  selectedColor: { value: Color };
}

/** A material for one building mesh; set `uniforms.selectedFeature` to the selected feature id, or -1. */
export function createNightMaterial(selectedColor: string): MeshLambertMaterial & { userData: { night: NightUniforms } } {
  const uniforms: NightUniforms = { selectedFeature: { value: -1 }, selectedColor: { value: new Color(selectedColor) } };
  const material = new MeshLambertMaterial({ vertexColors: true, color: 0x2a3342 }) as MeshLambertMaterial & { userData: { night: NightUniforms } };
  material.userData.night = uniforms;
  material.customProgramCacheKey = () => 'yingcheng-night-building';
  material.onBeforeCompile = (shader: WebGLProgramParametersWithUniforms) => {
    shader.uniforms.selectedFeature = uniforms.selectedFeature;
    shader.uniforms.selectedColor = uniforms.selectedColor;
    shader.vertexShader = shader.vertexShader
      .replace(
        '#include <common>',
        `#include <common>
attribute float featureId;
attribute float roofDistance;
varying float vRoofDistance;
varying vec3 vNightPos;
varying vec3 vNightNormal;
varying float vFeature;`,
      )
      .replace(
        '#include <worldpos_vertex>',
        `#include <worldpos_vertex>
vNightPos = (modelMatrix * vec4(transformed, 1.0)).xyz;
vNightNormal = normalize(mat3(modelMatrix) * objectNormal);
vFeature = featureId;
vRoofDistance = roofDistance;`,
      );
    shader.fragmentShader = shader.fragmentShader
      .replace(
        '#include <common>',
        `#include <common>
uniform float selectedFeature;
uniform vec3 selectedColor;
varying vec3 vNightPos;
varying vec3 vNightNormal;
varying float vFeature;
varying float vRoofDistance;
float nightHash(vec3 p) { return fract(sin(dot(p, vec3(12.9898, 78.233, 37.719))) * 43758.5453); }`,
      )
      .replace(
        '#include <emissivemap_fragment>',
        `#include <emissivemap_fragment>
{
  vec3 n = normalize(vNightNormal);
  float wall = 1.0 - smoothstep(0.3, 0.6, abs(n.y));
  // Along the wall: the horizontal direction perpendicular to its normal.
  vec2 t = normalize(vec2(-n.z, n.x) + 1e-5);
  float u = dot(vNightPos.xz, t);
  float floorIndex = floor(vNightPos.y / 3.2);
  float column = floor(u / 3.6);
  float inWindow = step(0.3, fract(vNightPos.y / 3.2)) * step(fract(vNightPos.y / 3.2), 0.8)
                 * step(0.25, fract(u / 3.6)) * step(fract(u / 3.6), 0.75);
  float lit = step(0.42, nightHash(vec3(column, floorIndex, vFeature)));
  // Where a pixel spans most of a window bay (from afar), the pattern only flickers and the
  // bloom turns it into haze: fade it into its average (a quarter of the bay is glass, 58 % lit).
  vec2 bay = vec2(u / 3.6, vNightPos.y / 3.2);
  float footprint = max(length(fwidth(bay)), 1e-4);
  float windows = mix(0.145, inWindow * lit, 1.0 - smoothstep(0.3, 0.8, footprint));
  // And dim them with distance, so a whole district seen from kilometres away reads as blocks, not glare.
  float dimming = mix(1.0, 0.55, smoothstep(1000.0, 3500.0, length(vNightPos - cameraPosition)));
  vec3 tint = mix(vec3(1.0, 0.78, 0.45), vColor.rgb, 0.55);
  totalEmissiveRadiance += wall * windows * dimming * tint * 1.6;
  totalEmissiveRadiance += (1.0 - wall) * vColor.rgb * 0.12;
  // A faint tint of the building's colour keeps dark walls readable against the ground.
  totalEmissiveRadiance += wall * vColor.rgb * 0.06;
  // The edge glow: a band along the roof line in the building's colour, about at the bloom's
  // threshold and at least a pixel wide from afar, so blocks keep their outline from kilometres away.
  float band = max(0.9, 1.1 * fwidth(vRoofDistance));
  totalEmissiveRadiance += wall * (1.0 - smoothstep(0.5 * band, band, vRoofDistance)) * vColor.rgb * 0.8;
  if (abs(vFeature - selectedFeature) < 0.5) {
    totalEmissiveRadiance = selectedColor * (0.9 + 0.6 * inWindow);
  }
}`,
      );
  };
  return material;
}
