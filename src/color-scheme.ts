// Dark mode follows the phone: WeChat's dark mode is the system's, and pages see it as `prefers-color-scheme`.
// Vant's dark theme is switched by a class on <html> (the one its ConfigProvider would set); our own dark values
// hang off the same class (src/theme.css), so there is one switch for both, and it follows changes while open.
const DARK_CLASS = 'van-theme-dark'

export function followColorScheme(root: HTMLElement = document.documentElement, media: Pick<MediaQueryList, 'matches' | 'addEventListener'> = matchMedia('(prefers-color-scheme: dark)')): void {
  const apply = (dark: boolean) => root.classList.toggle(DARK_CLASS, dark)
  apply(media.matches)
  media.addEventListener('change', (event) => apply(event.matches))
}
